// rpm's package database (rpmdb.sqlite, what rpm 4.16+ writes: RHEL 9, Fedora, openSUSE): its
// package headers parsed. Pure: the SQLite file is read, within limits and off the main thread, by
// lib/changes/read-rpmdb.ts, which hands its rows' blobs here. They come from a container that may
// be hostile, so every read is bounds-checked.

export type RpmPackage = { name: string; version: string; architecture: string };

export type RpmDatabase = {
  packages: RpmPackage[];
  /** Absolute file path -> owning package. */
  owners: Map<string, string>;
  /** Absolute file path -> packaged digest (hex, in `algorithm`), for regular files. */
  digests: Map<string, string>;
  /** Files rpm marks %config. */
  config: Set<string>;
  /** The digest algorithm most packages use; files of packages using another are left out of `digests`. */
  algorithm: "md5" | "sha1" | "sha256" | "sha384" | "sha512";
};

// Header tags (rpmtag.h) and types.
const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  arch: 1022,
  fileModes: 1030,
  fileDigests: 1035,
  fileFlags: 1037,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  digestAlgo: 5011,
} as const;
const TYPE = { int16: 3, int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;
const ALGORITHMS: Record<number, RpmDatabase["algorithm"]> = { 1: "md5", 2: "sha1", 8: "sha256", 9: "sha384", 10: "sha512" };
const RPMFILE_CONFIG = 1;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

type Value = string | string[] | number[];

/** A header blob (as rpmdb stores it: entry count, data length, 16-byte index entries, data) -> tag -> value. */
export function parseRpmHeader(blob: Buffer): Map<number, Value> {
  const values = new Map<number, Value>();
  if (blob.byteLength < 8) return values;
  const entries = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  const dataStart = 8 + entries * 16;
  if (entries > 100_000 || dataStart + dataLength > blob.byteLength) return values;
  const data = blob.subarray(dataStart, dataStart + dataLength);
  const stringAt = (offset: number): [string, number] | null => {
    const end = data.indexOf(0, offset);
    return end < 0 ? null : [data.toString("utf8", offset, end), end + 1];
  };
  for (let index = 0; index < entries; index++) {
    const at = 8 + index * 16;
    const tag = blob.readInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (offset < 0 || offset >= data.byteLength || count > data.byteLength) continue;
    if (type === TYPE.string || type === TYPE.i18nString) {
      const read = stringAt(offset);
      if (read) values.set(tag, read[0]);
    } else if (type === TYPE.stringArray) {
      const list: string[] = [];
      let position = offset;
      for (let item = 0; item < count; item++) {
        const read = stringAt(position);
        if (!read) break;
        list.push(read[0]);
        position = read[1];
      }
      if (list.length === count) values.set(tag, list);
    } else if (type === TYPE.int32 || type === TYPE.int16) {
      const size = type === TYPE.int32 ? 4 : 2;
      if (offset + count * size > data.byteLength) continue;
      values.set(
        tag,
        Array.from({ length: count }, (_, item) =>
          size === 4 ? data.readInt32BE(offset + item * 4) : data.readUInt16BE(offset + item * 2),
        ),
      );
    }
  }
  return values;
}

const text = (value: Value | undefined) => (typeof value === "string" ? value : "");
const strings = (value: Value | undefined) =>
  Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : [];
const numbers = (value: Value | undefined) =>
  Array.isArray(value) && value.every((item) => typeof item === "number") ? (value as number[]) : [];

/** The packages of an rpm database (the blobs of its Packages table's rows), with the files each owns. */
export function parseRpmdb(blobs: Buffer[]): RpmDatabase {
  const headers = blobs.map((blob) => parseRpmHeader(blob));
  const byAlgorithm = new Map<string, number>();
  for (const header of headers) {
    const algorithm = ALGORITHMS[numbers(header.get(TAG.digestAlgo))[0] ?? 1];
    if (algorithm) byAlgorithm.set(algorithm, (byAlgorithm.get(algorithm) ?? 0) + 1);
  }
  const algorithm = ([...byAlgorithm].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "sha256") as RpmDatabase["algorithm"];
  const packages: RpmPackage[] = [];
  const owners = new Map<string, string>();
  const digests = new Map<string, string>();
  const config = new Set<string>();
  for (const header of headers) {
    const name = text(header.get(TAG.name));
    if (!name || name === "gpg-pubkey") continue; // imported signing keys are stored as pseudo-packages
    const epoch = numbers(header.get(TAG.epoch))[0];
    packages.push({
      name,
      version: `${epoch ? `${epoch}:` : ""}${text(header.get(TAG.version))}-${text(header.get(TAG.release))}`,
      architecture: text(header.get(TAG.arch)),
    });
    const sameAlgorithm = ALGORITHMS[numbers(header.get(TAG.digestAlgo))[0] ?? 1] === algorithm;
    const baseNames = strings(header.get(TAG.baseNames));
    const dirNames = strings(header.get(TAG.dirNames));
    const dirIndexes = numbers(header.get(TAG.dirIndexes));
    const fileDigests = strings(header.get(TAG.fileDigests));
    const fileFlags = numbers(header.get(TAG.fileFlags));
    const fileModes = numbers(header.get(TAG.fileModes));
    baseNames.forEach((baseName, index) => {
      const dir = dirNames[dirIndexes[index] ?? -1];
      if (dir === undefined) return;
      const file = `${dir}${baseName}`;
      if (!owners.has(file)) owners.set(file, name);
      if (((fileFlags[index] ?? 0) & RPMFILE_CONFIG) !== 0) config.add(file);
      const digest = fileDigests[index];
      if (sameAlgorithm && digest && /^[0-9a-f]+$/.test(digest) && ((fileModes[index] ?? S_IFREG) & S_IFMT) === S_IFREG)
        digests.set(file, digest);
    });
  }
  packages.sort((a, b) => a.name.localeCompare(b.name));
  return { packages, owners, digests, config, algorithm };
}
