// rpm package headers built the way rpm lays them out (entry count, data length, 16-byte index
// entries, data), for the rpm database tests; the real thing, written by rpm itself, is read in
// lib/changes/detect-container-changes.int.test.ts.

type Entry = { tag: number; type: number; value: string | string[] | number[] };

export function encodeHeader(entries: Entry[]): Buffer {
  const data: Buffer[] = [];
  let length = 0;
  const index = Buffer.alloc(entries.length * 16);
  entries.forEach((entry, position) => {
    let bytes: Buffer;
    if (entry.type === 6) bytes = Buffer.from(`${entry.value as string}\0`);
    else if (entry.type === 8) bytes = Buffer.from((entry.value as string[]).map((item) => `${item}\0`).join(""));
    else if (entry.type === 4) {
      const values = entry.value as number[];
      bytes = Buffer.alloc(values.length * 4);
      values.forEach((value, item) => bytes.writeInt32BE(value, item * 4));
    } else {
      const values = entry.value as number[];
      bytes = Buffer.alloc(values.length * 2);
      values.forEach((value, item) => bytes.writeUInt16BE(value, item * 2));
    }
    const padding = entry.type === 4 ? (4 - (length % 4)) % 4 : 0;
    if (padding) data.push(Buffer.alloc(padding));
    length += padding;
    index.writeInt32BE(entry.tag, position * 16);
    index.writeUInt32BE(entry.type, position * 16 + 4);
    index.writeInt32BE(length, position * 16 + 8);
    index.writeUInt32BE(Array.isArray(entry.value) ? entry.value.length : 1, position * 16 + 12);
    data.push(bytes);
    length += bytes.byteLength;
  });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(length, 4);
  return Buffer.concat([head, index, ...data]);
}

export const REG = 0o100644;
export const DIR = 0o040755;

export function rpmPackage(
  name: string,
  version: string,
  files: { dir: string; base: string; digest: string; config?: boolean; mode?: number }[],
  algorithm = 8,
): Buffer {
  const dirs = [...new Set(files.map((file) => file.dir))];
  return encodeHeader([
    { tag: 1000, type: 6, value: name },
    { tag: 1001, type: 6, value: version },
    { tag: 1002, type: 6, value: "1.el9" },
    { tag: 1022, type: 6, value: "x86_64" },
    { tag: 1030, type: 3, value: files.map((file) => file.mode ?? REG) },
    { tag: 1035, type: 8, value: files.map((file) => file.digest) },
    { tag: 1037, type: 4, value: files.map((file) => (file.config ? 1 : 0)) },
    { tag: 1116, type: 4, value: files.map((file) => dirs.indexOf(file.dir)) },
    { tag: 1117, type: 8, value: files.map((file) => file.base) },
    { tag: 1118, type: 8, value: dirs },
    { tag: 5011, type: 4, value: [algorithm] },
  ]);
}
