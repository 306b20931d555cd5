// @ts-check
// The one way Kura opens a path inside a container's layer folder on this machine (the overlay2
// upper folder, which belongs to a container that may be hostile and may still be running).
// Used by the async readers (read-layer-files.ts, the package-file hashing in
// read-layer-directly.ts) and, synchronously, by the worker threads (the layer walker's head
// sniffing, the blob writer). Plain JavaScript with Node built-ins only, so workers started by
// path can import it too.
//
// How a file is opened: first with O_PATH|O_NOFOLLOW, which only names the inode (a FIFO does not
// block, a device node is not opened, a final symlink is not followed); then the kernel says what
// it named: fstat must say a regular file (and the same device and inode the walk saw, when the
// caller knows them) and /proc/self/fd/N must be exactly the expected path (so no folder on the
// way was a symlink). Only then is that same inode opened for reading, through /proc/self/fd/N
// (O_RDONLY|O_NONBLOCK|O_NOCTTY), and checked again. So only regular files are ever opened.
// A folder is listed the same way: named with O_PATH|O_DIRECTORY|O_NOFOLLOW, checked, and read
// through /proc/self/fd/N, so a folder swapped for a link to / is never listed.

import { closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { open, readlink } from "node:fs/promises";

/** Linux's O_PATH (not in fs.constants): a descriptor that names an inode without opening it. */
export const O_PATH = 0o10000000;
const PATH_FLAGS = O_PATH | constants.O_NOFOLLOW;
const FOLDER_FLAGS = O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY;
/** How the checked inode is then opened for reading. */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Why a path was not opened: `missing` (gone, or a folder on the way is not one), `not-a-file` (a folder, symlink,
 * FIFO, socket or device node), `outside` (the kernel reached something other than the path: a folder on the way is
 * a symlink), `changed` (another inode than the walk saw), `too-large` (over the caller's limit).
 * @typedef {"missing" | "not-a-file" | "outside" | "changed" | "too-large"} ConfinedRefusal
 */

/** @typedef {{ dev: number; ino: number }} ExpectedInode */
/** @typedef {{ expected?: ExpectedInode | null; maxBytes?: number }} ConfinedOpenOptions */

export class ConfinedOpenError extends Error {
  /**
   * @param {ConfinedRefusal} reason
   * @param {string} path
   * @param {string} detail what happened, without host paths (it may be shown to a person about the container path)
   * @param {number | null} [size] the file's size, when it is too large
   */
  constructor(reason, path, detail, size = null) {
    super(`${path}: ${detail}`);
    this.name = "ConfinedOpenError";
    /** @type {ConfinedRefusal} */
    this.reason = reason;
    this.path = path;
    this.detail = detail;
    this.size = size;
  }
}

const OUTSIDE = "leads outside its folder (a folder on the way is a symlink)";

/** @param {unknown} error */
function isMissing(error) {
  const code = /** @type {NodeJS.ErrnoException | null} */ (error)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP";
}

/** @param {import("node:fs").Stats} stats */
function kindOf(stats) {
  if (stats.isDirectory()) return "a folder";
  if (stats.isSymbolicLink()) return "a symlink";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isCharacterDevice()) return "a character device";
  return "not a regular file";
}

/**
 * Throws unless what the O_PATH descriptor names is the regular file `hostPath` (and the expected inode).
 * @param {string} hostPath
 * @param {import("node:fs").Stats} stats
 * @param {string} opened what /proc/self/fd/N says
 * @param {ConfinedOpenOptions} options
 */
function check(hostPath, stats, opened, options) {
  if (!stats.isFile()) throw new ConfinedOpenError("not-a-file", hostPath, `is ${kindOf(stats)}, not a regular file`);
  if (opened !== hostPath) throw new ConfinedOpenError("outside", hostPath, OUTSIDE);
  const expected = options.expected;
  if (expected && (stats.dev !== expected.dev || stats.ino !== expected.ino)) {
    throw new ConfinedOpenError("changed", hostPath, "was replaced after it was listed");
  }
  if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
    throw new ConfinedOpenError("too-large", hostPath, `is ${stats.size} bytes, over the limit of ${options.maxBytes}`, stats.size);
  }
}

/**
 * @param {string} hostPath
 * @param {import("node:fs").Stats} named
 * @param {import("node:fs").Stats} reopened
 */
function checkSame(hostPath, named, reopened) {
  if (!reopened.isFile() || reopened.dev !== named.dev || reopened.ino !== named.ino) {
    throw new ConfinedOpenError("changed", hostPath, "changed while it was opened");
  }
}

/**
 * Opens the regular file at the absolute `hostPath` for reading, confined as described above. Returns the descriptor
 * (the caller closes it) and its fstat. Throws ConfinedOpenError when the path is refused.
 * @param {string} hostPath
 * @param {ConfinedOpenOptions} [options]
 * @returns {{ fd: number; stats: import("node:fs").Stats }}
 */
export function openConfinedSync(hostPath, options = {}) {
  let pathFd;
  try {
    pathFd = openSync(hostPath, PATH_FLAGS);
  } catch (error) {
    if (isMissing(error)) throw new ConfinedOpenError("missing", hostPath, "does not exist");
    throw error;
  }
  let fd = -1;
  try {
    const named = fstatSync(pathFd);
    check(hostPath, named, readlinkSync(`/proc/self/fd/${pathFd}`), options);
    fd = openSync(`/proc/self/fd/${pathFd}`, READ_FLAGS);
    const stats = fstatSync(fd);
    checkSame(hostPath, named, stats);
    return { fd, stats };
  } catch (error) {
    if (fd >= 0) closeSync(fd);
    throw error;
  } finally {
    closeSync(pathFd);
  }
}

/**
 * The async twin of openConfinedSync: a FileHandle open for reading, and its stat.
 * @param {string} hostPath
 * @param {ConfinedOpenOptions} [options]
 * @returns {Promise<{ handle: import("node:fs/promises").FileHandle; stats: import("node:fs").Stats }>}
 */
export async function openConfined(hostPath, options = {}) {
  let named;
  try {
    named = await open(hostPath, PATH_FLAGS);
  } catch (error) {
    if (isMissing(error)) throw new ConfinedOpenError("missing", hostPath, "does not exist");
    throw error;
  }
  /** @type {import("node:fs/promises").FileHandle | null} */
  let handle = null;
  try {
    const namedStats = await named.stat();
    check(hostPath, namedStats, await readlink(`/proc/self/fd/${named.fd}`), options);
    handle = await open(`/proc/self/fd/${named.fd}`, READ_FLAGS);
    const stats = await handle.stat();
    checkSame(hostPath, namedStats, stats);
    return { handle, stats };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw error;
  } finally {
    await named.close().catch(() => undefined);
  }
}

/**
 * Reads a regular file whole (at most `maxBytes`, which is required here), confined as openConfinedSync.
 * @param {string} hostPath
 * @param {ConfinedOpenOptions & { maxBytes: number }} options
 * @returns {{ bytes: Buffer; stats: import("node:fs").Stats }}
 */
export function readConfinedSync(hostPath, options) {
  const { fd, stats } = openConfinedSync(hostPath, options);
  try {
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

/**
 * The first `maxBytes` bytes of a regular file, confined as openConfinedSync.
 * @param {string} hostPath
 * @param {number} maxBytes
 * @param {ConfinedOpenOptions} [options]
 */
export function readHeadConfinedSync(hostPath, maxBytes, options = {}) {
  const { fd } = openConfinedSync(hostPath, options);
  try {
    const buffer = Buffer.alloc(maxBytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, maxBytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The names in the folder at `hostPath`, listed only when the kernel confirms it is that very folder (not a symlink,
 * no symlink on the way). Throws ConfinedOpenError otherwise.
 * @param {string} hostPath
 * @returns {string[]}
 */
export function listFolderConfinedSync(hostPath) {
  let fd;
  try {
    fd = openSync(hostPath, FOLDER_FLAGS);
  } catch (error) {
    if (isMissing(error)) throw new ConfinedOpenError("missing", hostPath, "is not a folder (or is a symlink)");
    throw error;
  }
  try {
    const opened = readlinkSync(`/proc/self/fd/${fd}`);
    if (opened !== hostPath) throw new ConfinedOpenError("outside", hostPath, OUTSIDE);
    return readdirSync(`/proc/self/fd/${fd}`);
  } finally {
    closeSync(fd);
  }
}
