// @ts-check
// Worker thread of the blob store (see blob-writer-pool.ts): turns whole small contents into
// blobs with synchronous file-system calls. On small machines each asynchronous call costs a
// round trip to libuv's thread pool (about 100 µs each here, against 4 µs for the same call made
// synchronously), and a file took a dozen of them; here a file is read, hashed, compressed,
// written, fsynced and linked into place with none.
//
// Plain JavaScript with Node built-ins only: it is started by path, outside the app bundle.
// It follows blob-store.ts's layout: blobs/<first 2 hex>/<sha256>.gz (encrypted: <keyed name>.enc), temporary files in tmp/.

import { createHash } from "node:crypto";
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { ConfinedOpenError, readConfinedSync } from "../docker/open-confined.mjs";
import { compressionLevelFor } from "./compression-level.mjs";
import { sealedName, sealSync } from "./crypto/blob-cipher.mjs";

const { blobsDir, compressionLevel, fileMode, dirMode } = workerData;
// "compressed": only read, hash and compress, and hand the gzip bytes back (the object store uploads them itself).
const output = workerData.output ?? "store";
// An encrypted store's keys (crypto/blob-cipher.mjs): the gzip bytes are sealed, and named by keyed hash.
/** @type {{ contentKey: Uint8Array; nameKey: Uint8Array } | null} */
const encryption = workerData.encryption ?? null;
/** @param {Buffer} compressed */
const sealed = (compressed) => (encryption ? sealSync(encryption.contentKey, compressed) : compressed);
/** @param {string} sha256 */
function targetOf(sha256) {
  if (!encryption) return path.join(blobsDir, sha256.slice(0, 2), `${sha256}.gz`);
  const name = sealedName(encryption.nameKey, sha256);
  return path.join(blobsDir, name.slice(0, 2), `${name}.enc`);
}
// A temporary folder of this worker's own: workers creating and removing files in one shared folder
// spent their time spinning on its lock. It lives in the store's tmp/, which start-up empties.
// Made at the first write, so a worker that is only starting never touches the store.
const tmpDir = path.join(workerData.tmpDir, `worker-${process.pid}-${threadId}`);
let tmpReady = false;
const knownShards = new Set();

class Skip extends Error {
  /** @param {string} reason */
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * Reads a regular file whole through the one confined open (open-confined.mjs): only a regular file is ever opened
 * (never a FIFO or a device node), and only when the kernel confirms it opened exactly `file`, so a folder on the way
 * that was swapped for a symlink cannot lead outside. With `confineTo`, `file` must also lie inside that folder.
 * @param {string} file
 * @param {string | null} confineTo
 * @param {number} maxBytes
 */
function readFileConfined(file, confineTo, maxBytes) {
  if (confineTo !== null && !file.startsWith(`${confineTo}/`)) throw new Skip("outside");
  // Outside a container's folder (confineTo null), the folder part may hold links of this machine's own.
  const canonical = confineTo !== null ? file : path.join(realpathOrSelf(path.dirname(file)), path.basename(file));
  try {
    return readConfinedSync(canonical, { maxBytes });
  } catch (error) {
    if (error instanceof ConfinedOpenError) throw new Skip(error.reason);
    throw error;
  }
}

/** @param {string} folder */
function realpathOrSelf(folder) {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

/** @param {unknown} error */
const codeOf = (error) => /** @type {NodeJS.ErrnoException | null} */ (error)?.code;

/** @param {string} file */
function storedSize(file) {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : null;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return null;
    throw error;
  }
}

/** @param {string} shardDir */
function ensureShard(shardDir) {
  if (knownShards.has(shardDir)) return;
  mkdirSync(shardDir, { recursive: true, mode: dirMode });
  knownShards.add(shardDir);
}

/**
 * Links a finished temp file into place; false when the blob was already there.
 * @param {string} tmpPath
 * @param {string} target
 * @returns {boolean}
 */
function publish(tmpPath, target) {
  try {
    linkSync(tmpPath, target);
    unlinkSync(tmpPath);
    return true;
  } catch (error) {
    const code = codeOf(error);
    if (code === "EEXIST") {
      unlinkSync(tmpPath);
      return false;
    }
    if (code === "ENOENT" && knownShards.has(path.dirname(target))) {
      // The shard folder went away (the store was emptied by hand): make it again.
      knownShards.delete(path.dirname(target));
      ensureShard(path.dirname(target));
      return publish(tmpPath, target);
    }
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"].includes(code ?? "")) throw error;
  }
  // File systems without hard links: check, then rename.
  if (storedSize(target) !== null) {
    unlinkSync(tmpPath);
    return false;
  }
  renameSync(tmpPath, target);
  return true;
}

/**
 * Stores `bytes` as a blob unless it is there; returns what the store's put returns, and the shard folder to sync when new.
 * @param {Buffer} bytes
 * @param {string} tmpName
 */
function storeBytes(bytes, tmpName) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (output === "compressed") {
    const compressed = sealed(
      gzipSync(bytes, {
        level: compressionLevelFor(bytes, compressionLevel),
        chunkSize: Math.max(64 * 1024, bytes.byteLength + (bytes.byteLength >> 8) + 1024),
      }),
    );
    return { sha256, size: bytes.byteLength, storedBytes: compressed.byteLength, isNew: false, shardDir: null, compressed };
  }
  const target = targetOf(sha256);
  const existing = storedSize(target);
  if (existing !== null) return { sha256, size: bytes.byteLength, storedBytes: existing, isNew: false, shardDir: null };
  const compressed = sealed(
    gzipSync(bytes, {
      level: compressionLevelFor(bytes, compressionLevel),
      chunkSize: Math.max(64 * 1024, bytes.byteLength + (bytes.byteLength >> 8) + 1024),
    }),
  );
  const tmpPath = path.join(tmpDir, tmpName);
  let fd = null;
  try {
    if (!tmpReady) {
      mkdirSync(tmpDir, { recursive: true, mode: dirMode });
      tmpReady = true;
    }
    fd = openSync(tmpPath, "wx", fileMode);
    let written = 0;
    while (written < compressed.byteLength) written += writeSync(fd, compressed, written, compressed.byteLength - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    ensureShard(path.dirname(target));
    const isNew = publish(tmpPath, target);
    return {
      sha256,
      size: bytes.byteLength,
      storedBytes: isNew ? compressed.byteLength : (storedSize(target) ?? 0),
      isNew,
      shardDir: isNew ? path.dirname(target) : null,
    };
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(tmpPath);
    } catch {
      // not created, or already moved
    }
    throw error;
  }
}

/** @param {string} dir */
function syncFolder(dir) {
  let fd = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a folder; the blob itself is synced.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** @typedef {{ tmpName: string; bytes?: Uint8Array; file?: string; confineTo: string | null; maxBytes: number }} Task */
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
port.on("message", (/** @type {{ batch: number; tasks: Task[] }} */ { batch, tasks }) => {
  /** @type {unknown[]} */
  const results = [];
  /** @type {Set<string>} */
  const shards = new Set();
  for (const task of tasks) {
    try {
      let bytes = task.bytes;
      let stats = null;
      if (task.file) {
        const read = readFileConfined(task.file, task.confineTo, task.maxBytes);
        bytes = read.bytes;
        const { mode, uid, gid, mtimeMs } = read.stats;
        stats = { mode, uid, gid, mtimeMs };
      }
      if (!bytes) throw new Error("a task with neither bytes nor a file");
      const stored = storeBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), task.tmpName);
      if (stored.shardDir) shards.add(stored.shardDir);
      const { sha256, size, storedBytes, isNew } = stored;
      results.push({ sha256, size, storedBytes, isNew, stats, ...("compressed" in stored ? { compressed: stored.compressed } : {}) });
    } catch (error) {
      if (error instanceof Skip) results.push({ skip: error.reason });
      else results.push({ error: { code: codeOf(error) ?? null, message: error instanceof Error ? error.message : String(error) } });
    }
  }
  // The links are durable once their folders are synced: once per folder and batch.
  for (const dir of shards) syncFolder(dir);
  port.postMessage({ batch, results });
});
