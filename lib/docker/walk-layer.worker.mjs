// @ts-check
// Worker thread: list a container's overlay2 upper folder with lstat, off the main thread, so the
// dashboard keeps receiving the engine's diff meanwhile. Plain JS with Node built-ins only: it is
// started by path (see read-layer-directly.ts), outside the app bundle.
//
// The folder belongs to a container that may be hostile and still running: a folder is listed only
// through the confined open (a folder swapped for a symlink to / after it was seen is refused, never
// walked), and heads are sniffed only from regular files, the very inodes lstat saw.
import { lstatSync, readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { ConfinedOpenError, listFolderConfinedSync, readHeadConfinedSync } from "./open-confined.mjs";

/** Files larger than this are not sniffed for a private key (keys are small). */
export const SNIFF_LIMIT = 16 * 1024;
/** @type {{ layerDir: string; headBytes: number }} */
const { layerDir, headBytes } = workerData;

/** @param {import("node:fs").Stats} stats */
function typeOf(stats) {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "dir";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

/** @param {string} file */
function isSymlink(file) {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** @type {Record<string, unknown>[]} */
const headers = [];
/** Paths the walk refused to list or sniff, with why (the caller turns them into warnings). */
/** @type {{ path: string; reason: string; message: string }[]} */
const refused = [];
const pending = [""];
while (pending.length) {
  const relative = /** @type {string} */ (pending.pop());
  let names;
  try {
    names = listFolderConfinedSync(layerDir + relative);
  } catch (error) {
    // A folder swapped for a symlink since lstat saw it (or one on its way): said, never walked.
    if (error instanceof ConfinedOpenError && relative && (error.reason === "outside" || isSymlink(layerDir + relative))) {
      refused.push({ path: relative, reason: "outside", message: error.message });
    }
    continue;
  }
  for (const name of names) {
    const path = `${relative}/${name}`;
    const file = layerDir + path;
    let stats;
    try {
      stats = lstatSync(file);
    } catch {
      continue;
    }
    const type = typeOf(stats);
    /** @type {Record<string, unknown>} */
    const header = {
      path,
      type,
      size: type === "file" ? stats.size : 0,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      uname: "",
      gname: "",
      // Whole seconds, as tar headers (the archive API, and archives) carry them.
      mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toISOString(),
      linkTarget: type === "symlink" ? readlinkSync(file) : null,
      inode: { dev: stats.dev, ino: stats.ino },
    };
    // overlay2 marks a path deleted by a layer with a character device 0/0 of the same name.
    if (stats.isCharacterDevice() && stats.rdev === 0) header.whiteout = true;
    if (type === "file" && headBytes > 0 && stats.size > 0 && stats.size <= SNIFF_LIMIT) {
      try {
        header.head = readHeadConfinedSync(file, headBytes, { expected: { dev: stats.dev, ino: stats.ino }, maxBytes: SNIFF_LIMIT });
      } catch {
        // replaced, or unreadable: no sniffing
      }
    }
    headers.push(header);
    if (type === "dir") pending.push(path);
  }
}
parentPort?.postMessage({ headers, refused });
