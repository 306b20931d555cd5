import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { parseRpmdb, parseRpmHeader } from "./parse-rpmdb";

// Headers built the way rpm lays them out (entry count, data length, index entries, data); the
// real thing, written by rpm itself, is read in detect-container-changes.int.test.ts.

type Entry = { tag: number; type: number; value: string | string[] | number[] };

function encodeHeader(entries: Entry[]): Buffer {
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

const REG = 0o100644;
const DIR = 0o040755;

function rpmPackage(name: string, version: string, files: { dir: string; base: string; digest: string; config?: boolean; mode?: number }[], algorithm = 8): Buffer {
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

function rpmdb(blobs: Buffer[], wal = true): Buffer {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
  for (const blob of blobs) db.prepare("INSERT INTO Packages (blob) VALUES (?)").run(blob);
  const bytes = db.serialize();
  db.close();
  if (wal) {
    bytes[18] = 2; // as rpm leaves it: WAL mode
    bytes[19] = 2;
  }
  return bytes;
}

const SHA = (char: string) => char.repeat(64);

describe("parseRpmdb", () => {
  it("lists packages with epoch-less versions and maps files to owners, digests and %config", () => {
    const db = parseRpmdb(
      rpmdb([
        rpmPackage("nginx", "1.20.1", [
          { dir: "/etc/nginx/", base: "nginx.conf", digest: SHA("a"), config: true },
          { dir: "/usr/sbin/", base: "nginx", digest: SHA("b") },
          { dir: "/var/lib/", base: "nginx", digest: "", mode: DIR },
        ]),
        rpmPackage("bash", "5.1.8", [{ dir: "/usr/bin/", base: "bash", digest: SHA("c") }]),
        encodeHeader([{ tag: 1000, type: 6, value: "gpg-pubkey" }]),
      ]),
    );
    expect(db.packages).toEqual([
      { name: "bash", version: "5.1.8-1.el9", architecture: "x86_64" },
      { name: "nginx", version: "1.20.1-1.el9", architecture: "x86_64" },
    ]);
    expect(db.algorithm).toBe("sha256");
    expect(db.owners.get("/etc/nginx/nginx.conf")).toBe("nginx");
    expect(db.owners.get("/var/lib/nginx")).toBe("nginx");
    expect(db.digests.get("/usr/sbin/nginx")).toBe(SHA("b"));
    expect(db.digests.has("/var/lib/nginx")).toBe(false);
    expect([...db.config]).toEqual(["/etc/nginx/nginx.conf"]);
  });

  it("leaves out digests of packages that use another algorithm than most", () => {
    const db = parseRpmdb(rpmdb([rpmPackage("a", "1", [{ dir: "/a/", base: "x", digest: SHA("1") }]), rpmPackage("b", "1", [{ dir: "/b/", base: "y", digest: SHA("2") }]), rpmPackage("old", "1", [{ dir: "/o/", base: "z", digest: "f".repeat(32) }], 1)], false));
    expect(db.algorithm).toBe("sha256");
    expect(db.owners.get("/o/z")).toBe("old");
    expect(db.digests.has("/o/z")).toBe(false);
  });

  it("refuses what is not an rpm database, and survives hostile headers", () => {
    expect(() => parseRpmdb(Buffer.from("not a database at all"))).toThrow();
    const other = new Database(":memory:");
    other.exec("CREATE TABLE Something (x)");
    expect(() => parseRpmdb(other.serialize())).toThrow(/not an rpm database/);
    // An index that points outside its data, a count far too large, a truncated blob: ignored, not thrown.
    const broken = encodeHeader([{ tag: 1000, type: 6, value: "ok" }]);
    broken.writeInt32BE(999_999, 8 + 8);
    expect(parseRpmHeader(broken).size).toBe(0);
    expect(parseRpmHeader(Buffer.from([0, 0, 0, 200, 0, 0, 0, 1])).size).toBe(0);
    expect(parseRpmdb(rpmdb([Buffer.from([1, 2, 3])])).packages).toEqual([]);
  });
});
