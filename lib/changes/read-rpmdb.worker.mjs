// @ts-check
// Worker thread: the rows of an rpmdb.sqlite file (rpm 4.16+), read with better-sqlite3 off the main
// thread and within limits. The file comes from a container that may be hostile: SQLite runs whatever
// its schema says (a view, or a generated column calling zeroblob(1000000000), turns "SELECT blob" into
// gigabytes), so the schema must be exactly rpm's table, each row's size is asked for before the row
// is read, and running totals stop the read at a cap. Started by path (see read-rpmdb.ts) with
// resourceLimits, and terminated when it takes too long. Plain JS: outside the app bundle.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

/** @typedef {{ maxRows: number; maxRowBytes: number; maxTotalBytes: number }} RpmdbLimits */
/** @type {{ bytes: Uint8Array; limits: RpmdbLimits }} */
const { bytes, limits } = workerData;

class Refused extends Error {}

/** @param {string} type */
const normalType = (type) => type.trim().toUpperCase();

/** @param {import("better-sqlite3").Database} db */
function checkSchema(db) {
  const master = db.prepare("SELECT type, sql FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE");
  const objects = /** @type {{ type: string; sql: string | null }[]} */ (master.all());
  const table = objects.find((object) => object.type === "table");
  if (!table) {
    throw new Refused(objects.length ? "its Packages is a view, not rpm's table" : "it has no Packages table: not an rpm database");
  }
  if (/^\s*CREATE\s+VIRTUAL\b/i.test(table.sql ?? "")) throw new Refused("its Packages is a virtual table, not rpm's table");
  // rpm's own: CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL). table_xinfo also
  // lists generated columns (hidden 2 or 3), which table_info leaves out.
  const info = db.prepare("SELECT name, type, pk, hidden FROM pragma_table_xinfo('Packages')");
  const columns = /** @type {{ name: string; type: string; pk: number; hidden: number }[]} */ (info.all());
  const shape = columns.map((column) => `${column.name.toLowerCase()} ${normalType(column.type)} ${column.pk} ${column.hidden}`).join(", ");
  if (shape !== "hnum INTEGER 1 0, blob BLOB 0 0") throw new Refused(`its Packages table is not rpm's (columns: ${shape.slice(0, 200)})`);
}

/** @returns {{ data: Uint8Array; offsets: number[] }} */
function readRows() {
  // A database in WAL mode cannot be opened from memory; as a rollback-journal database it reads what was checkpointed
  // (rpm checkpoints when it closes the database).
  if (bytes.byteLength > 20 && Buffer.from(bytes.buffer, bytes.byteOffset, 15).toString("latin1") === "SQLite format 3") {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  let db;
  try {
    db = new Database(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Refused(`it is not a SQLite database (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    db.pragma("trusted_schema = OFF");
    db.pragma("query_only = ON");
    checkSchema(db);
    // Each row's size first (SQLite reads it from the record header); the blob itself only when within the limit.
    const rows = db.prepare(
      "SELECT typeof(blob) AS kind, length(blob) AS size, CASE WHEN typeof(blob) = 'blob' AND length(blob) <= ? THEN blob END AS blob FROM Packages",
    );
    /** @type {Buffer[]} */
    const blobs = [];
    let count = 0;
    let total = 0;
    const iterator = /** @type {IterableIterator<{ kind: string; size: number; blob: Buffer | null }>} */ (
      rows.iterate(limits.maxRowBytes)
    );
    for (const row of iterator) {
      count += 1;
      if (count > limits.maxRows) throw new Refused(`it holds more than ${limits.maxRows} packages`);
      if (row.kind !== "blob") continue;
      if (row.size > limits.maxRowBytes || !row.blob) {
        throw new Refused(`a package header is ${row.size} bytes, over the limit of ${limits.maxRowBytes}`);
      }
      total += row.size;
      if (total > limits.maxTotalBytes) throw new Refused(`its package headers hold more than ${limits.maxTotalBytes} bytes`);
      blobs.push(row.blob);
    }
    // One buffer of its own, moved (not copied) to the main thread.
    const data = new Uint8Array(new ArrayBuffer(total));
    const offsets = [0];
    for (const blob of blobs) {
      data.set(blob, offsets.at(-1));
      offsets.push(/** @type {number} */ (offsets.at(-1)) + blob.byteLength);
    }
    return { data, offsets };
  } catch (error) {
    if (error instanceof Refused) throw error;
    throw new Refused(`SQLite could not read it (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    db.close();
  }
}

try {
  const { data, offsets } = readRows();
  parentPort?.postMessage({ data, offsets }, [/** @type {ArrayBuffer} */ (data.buffer)]);
} catch (error) {
  parentPort?.postMessage({ refused: error instanceof Error ? error.message : String(error) });
}
