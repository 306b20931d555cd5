import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { rpmPackage } from "@/e2e/support/rpm-headers";
import { parseRpmdb } from "./packages/parse-rpmdb";
import { readRpmdbRows, RPMDB_LIMITS, RPMDB_WORKER_RESOURCE_LIMITS } from "./read-rpmdb";

// rpmdb.sqlite comes from a container that may be hostile: SQLite runs what the file's schema says.
// These files are built with SQLite itself, as a container could build them.

function sqliteFile(schema: string, fill: (db: Database.Database) => void = () => undefined, wal = false): Buffer {
  const db = new Database(":memory:");
  db.exec(schema);
  fill(db);
  const bytes = db.serialize();
  db.close();
  if (wal) {
    bytes[18] = 2; // as rpm leaves it: WAL mode
    bytes[19] = 2;
  }
  return bytes;
}

const RPM_SCHEMA = "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)";
const insert = (blobs: Buffer[]) => (db: Database.Database) => {
  for (const blob of blobs) db.prepare("INSERT INTO Packages (blob) VALUES (?)").run(blob);
};
// As large a blob as SQLite here makes (its limit is 512 MiB); a few rows of it are gigabytes.
const HUGE = 500_000_000;

/** A database that says rpm's table and then has its schema rewritten (as a hostile file can be written). */
function rewrittenSchema(schema: string, rows: number): Buffer {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)");
  for (let row = 0; row < rows; row++) db.prepare("INSERT INTO Packages (blob) VALUES (?)").run(Buffer.from("x"));
  db.unsafeMode(true);
  db.pragma("writable_schema = ON");
  db.prepare("UPDATE sqlite_master SET sql = ? WHERE name = 'Packages'").run(schema);
  const bytes = db.serialize();
  db.close();
  return bytes;
}

describe("readRpmdbRows", () => {
  it("reads the header blobs of a database rpm wrote (in WAL mode)", async () => {
    const bytes = sqliteFile(
      RPM_SCHEMA,
      insert([rpmPackage("bash", "5.1.8", [{ dir: "/usr/bin/", base: "bash", digest: "c".repeat(64) }])]),
      true,
    );
    const rows = await readRpmdbRows(bytes);
    if ("refused" in rows) throw new Error(rows.refused);
    expect(parseRpmdb(rows.blobs).packages).toEqual([{ name: "bash", version: "5.1.8-1.el9", architecture: "x86_64" }]);
  });

  it("refuses what is not an rpm database", async () => {
    expect(await readRpmdbRows(Buffer.from("not a database at all"))).toMatchObject({ refused: expect.stringMatching(/not a database/) });
    expect(await readRpmdbRows(sqliteFile("CREATE TABLE Something (x)"))).toMatchObject({
      refused: expect.stringMatching(/no Packages table/),
    });
  });

  it("refuses a view or a generated column that makes gigabytes out of nothing, without making them", async () => {
    const before = process.memoryUsage().rss;
    const view = sqliteFile(`CREATE VIEW Packages AS SELECT value AS hnum, zeroblob(${HUGE}) AS blob FROM json_each('[1,2,3,4]')`);
    expect(await readRpmdbRows(view)).toMatchObject({ refused: expect.stringMatching(/view/) });
    const generated = rewrittenSchema(
      `CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, seed BLOB, blob BLOB GENERATED ALWAYS AS (zeroblob(${HUGE})) VIRTUAL)`,
      4,
    );
    expect(await readRpmdbRows(generated)).toMatchObject({ refused: expect.stringMatching(/not rpm's/) });
    const virtualTable = sqliteFile("CREATE VIRTUAL TABLE Packages USING fts4(hnum, blob)");
    expect(await readRpmdbRows(virtualTable)).toMatchObject({ refused: expect.stringMatching(/not rpm's|virtual/) });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("stops at the row, per-row and total byte limits", async () => {
    const blobs = Array.from({ length: 4 }, (_, index) => Buffer.alloc(1000, index));
    const bytes = () => sqliteFile(RPM_SCHEMA, insert(blobs));
    const limits = { ...RPMDB_LIMITS, maxRows: 10, maxRowBytes: 1000, maxTotalBytes: 4000 };
    const within = await readRpmdbRows(bytes(), limits);
    expect("blobs" in within && within.blobs.map((blob) => blob.byteLength)).toEqual([1000, 1000, 1000, 1000]);
    expect(await readRpmdbRows(bytes(), { ...limits, maxRows: 3 })).toMatchObject({
      refused: expect.stringMatching(/more than 3 packages/),
    });
    expect(await readRpmdbRows(bytes(), { ...limits, maxRowBytes: 999 })).toMatchObject({
      refused: expect.stringMatching(/1000 bytes, over the limit of 999/),
    });
    expect(await readRpmdbRows(bytes(), { ...limits, maxTotalBytes: 3500 })).toMatchObject({
      refused: expect.stringMatching(/more than 3500 bytes/),
    });
  });

  it("runs in a worker with a memory cap and gives up after its time limit", async () => {
    expect(RPMDB_WORKER_RESOURCE_LIMITS.maxOldGenerationSizeMb).toBeLessThanOrEqual(128);
    const many = sqliteFile(RPM_SCHEMA, (db) => {
      const statement = db.prepare("INSERT INTO Packages (blob) VALUES (?)");
      db.transaction(() => {
        for (let index = 0; index < 200_000; index++) statement.run(Buffer.alloc(8, index));
      })();
    });
    const started = performance.now();
    expect(await readRpmdbRows(many, { ...RPMDB_LIMITS, maxRows: 1_000_000, timeoutMs: 1 })).toMatchObject({
      refused: expect.stringMatching(/took longer/),
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
