// Worker thread of the blob store (see blob-writer-pool.ts): turns whole small contents into
// blobs with synchronous file-system calls. On small machines each asynchronous call costs a
// round trip to libuv's thread pool (about 100 µs each here, against 4 µs for the same call made
// synchronously), and a file took a dozen of them; here a file is read, hashed, compressed,
// written, fsynced and linked into place with none.
//
// Plain JavaScript with Node built-ins only: it is started by path, outside the app bundle.
// It follows blob-store.ts's layout: blobs/<first 2 hex>/<sha256>.gz, temporary files in tmp/.

import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { compressionLevelFor } from "./compression-level.mjs";

const { blobsDir, compressionLevel, fileMode, dirMode } = workerData;
// A temporary folder of this worker's own: workers creating and removing files in one shared folder
// spent their time spinning on its lock. It lives in the store's tmp/, which start-up empties.
// Made at the first write, so a worker that is only starting never touches the store.
const tmpDir = path.join(workerData.tmpDir, `worker-${process.pid}-${threadId}`);
let tmpReady = false;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOCTTY | constants.O_NONBLOCK;
const knownShards = new Set();

class Skip extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * Reads a regular file whole, refusing anything that is not one. With `confineTo`, the file must be exactly `file`
 * as the kernel opened it (checked through /proc/self/fd), so a folder on the way that was swapped for a symlink
 * cannot lead outside; and only a regular file is ever opened (never a device node).
 */
function readFileConfined(file, confineTo, maxBytes) {
  let before;
  try {
    before = lstatSync(file);
  } catch (error) {
    if (["ENOENT", "ENOTDIR", "ELOOP"].includes(error.code)) throw new Skip("missing");
    throw error;
  }
  if (!before.isFile()) throw new Skip("not-a-file");
  if (before.size > maxBytes) throw new Skip("too-large");
  let fd;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (error) {
    if (["ENOENT", "ENOTDIR", "ELOOP"].includes(error.code)) throw new Skip("missing");
    throw error;
  }
  try {
    if (confineTo !== null && readlinkSync(`/proc/self/fd/${fd}`) !== file) throw new Skip("outside");
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.dev !== before.dev || stats.ino !== before.ino) throw new Skip("outside");
    if (stats.size > maxBytes) throw new Skip("too-large");
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.byteLength) {
      const read = readSync(fd, bytes, filled, bytes.byteLength - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return { bytes: filled === bytes.byteLength ? bytes : bytes.subarray(0, filled), stats };
  } finally {
    closeSync(fd);
  }
}

function storedSize(file) {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : null;
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw error;
  }
}

function ensureShard(shardDir) {
  if (knownShards.has(shardDir)) return;
  mkdirSync(shardDir, { recursive: true, mode: dirMode });
  knownShards.add(shardDir);
}

/** Links a finished temp file into place; false when the blob was already there. */
function publish(tmpPath, target) {
  try {
    linkSync(tmpPath, target);
    unlinkSync(tmpPath);
    return true;
  } catch (error) {
    if (error.code === "EEXIST") {
      unlinkSync(tmpPath);
      return false;
    }
    if (error.code === "ENOENT" && knownShards.has(path.dirname(target))) {
      // The shard folder went away (the store was emptied by hand): make it again.
      knownShards.delete(path.dirname(target));
      ensureShard(path.dirname(target));
      return publish(tmpPath, target);
    }
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"].includes(error.code)) throw error;
  }
  // File systems without hard links: check, then rename.
  if (storedSize(target) !== null) {
    unlinkSync(tmpPath);
    return false;
  }
  renameSync(tmpPath, target);
  return true;
}

/** Stores `bytes` as a blob unless it is there; returns what the store's put returns, and the shard folder to sync when new. */
function storeBytes(bytes, tmpName) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const target = path.join(blobsDir, sha256.slice(0, 2), `${sha256}.gz`);
  const existing = storedSize(target);
  if (existing !== null) return { sha256, size: bytes.byteLength, storedBytes: existing, isNew: false, shardDir: null };
  const compressed = gzipSync(bytes, { level: compressionLevelFor(bytes, compressionLevel), chunkSize: Math.max(64 * 1024, bytes.byteLength + (bytes.byteLength >> 8) + 1024) });
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
    return { sha256, size: bytes.byteLength, storedBytes: isNew ? compressed.byteLength : (storedSize(target) ?? 0), isNew, shardDir: isNew ? path.dirname(target) : null };
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

parentPort.on("message", ({ batch, tasks }) => {
  const results = [];
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
      const stored = storeBytes(bytes, task.tmpName);
      if (stored.shardDir) shards.add(stored.shardDir);
      results.push({ sha256: stored.sha256, size: stored.size, storedBytes: stored.storedBytes, isNew: stored.isNew, stats });
    } catch (error) {
      if (error instanceof Skip) results.push({ skip: error.reason });
      else results.push({ error: { code: error.code ?? null, message: error.message } });
    }
  }
  // The links are durable once their folders are synced: once per folder and batch.
  for (const dir of shards) syncFolder(dir);
  parentPort.postMessage({ batch, results });
});
