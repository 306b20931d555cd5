// @ts-check
// Lists a container's overlay2 upper folder with lstat: on a worker thread (walk-layer.worker.mjs) for large
// layers, or a first breadth-first part on the caller's thread (read-layer-directly.ts). Plain JS with Node
// built-ins only: the worker is started by path, outside the app bundle.
//
// The folder belongs to a container that may be hostile and still running: a folder is listed only
// through the confined open (a folder swapped for a symlink to / after it was seen is refused, never
// walked), and heads are sniffed only from regular files, the very inodes lstat saw.
import { lstatSync, readlinkSync } from "node:fs";
import { ConfinedOpenError, listFolderConfinedSync, readHeadConfinedSync } from "./open-confined.mjs";

/** Files larger than this are not sniffed for a private key (keys are small). */
export const SNIFF_LIMIT = 16 * 1024;

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

// The listing goes back as columns, not one object per path: the structured clone of a million small
// objects cost the main thread seconds; a few typed arrays move at once (transferred, not copied),
// and the paths travel as one string.
const TYPES = /** @type {const} */ (["file", "dir", "symlink", "other"]);

/**
 * Lists the folders below `roots` (relative, "" for the layer itself; their own headers are not listed).
 * `frontier` > 0: breadth-first, stopping before a folder whose names would take the listing past `maxEntries`
 * (a first listing on the caller's thread: most layers are small); what waits is returned unlisted, for workers to
 * share. Otherwise depth-first, to the end.
 * @param {{ layerDir: string; headBytes: number; roots: string[]; frontier: number; maxEntries?: number }} options
 */
export function walkLayerFolders({ layerDir, headBytes, roots, frontier, maxEntries = Infinity }) {
  /** @type {string[]} */
  const paths = [];
  /** @type {number[]} */ const typeCodes = [];
  /** @type {number[]} */ const sizes = [];
  /** @type {number[]} */ const modes = [];
  /** @type {number[]} */ const uids = [];
  /** @type {number[]} */ const gids = [];
  /** @type {number[]} */ const mtimes = [];
  /** @type {number[]} */ const devs = [];
  /** @type {number[]} */ const inos = [];
  /** Index -> link target, for symlinks. @type {[number, string][]} */
  const links = [];
  /** Indexes of overlay whiteouts. @type {number[]} */
  const whiteouts = [];
  /** Index and bytes of each sniffed head. @type {[number, Uint8Array][]} */
  const heads = [];
  /** Paths the walk refused to list or sniff, with why (the caller turns them into warnings). */
  /** @type {{ path: string; reason: string; message: string }[]} */
  const refused = [];
  const pending = [...roots];
  while (pending.length) {
    // Breadth-first while looking for a frontier (so it is shallow), depth-first otherwise (a smaller queue).
    const relative = /** @type {string} */ (frontier > 0 ? pending.shift() : pending.pop());
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
    if (frontier > 0 && paths.length > 0 && paths.length + names.length > maxEntries) {
      pending.unshift(relative);
      break;
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
      const index = paths.length;
      paths.push(path);
      typeCodes.push(TYPES.indexOf(type));
      sizes.push(type === "file" ? stats.size : 0);
      modes.push(stats.mode & 0o7777);
      uids.push(stats.uid);
      gids.push(stats.gid);
      // Whole seconds, as tar headers (the archive API, and archives) carry them.
      mtimes.push(Math.floor(stats.mtimeMs / 1000));
      devs.push(stats.dev);
      inos.push(stats.ino);
      if (type === "symlink") links.push([index, readlinkSync(file)]);
      // overlay2 marks a path deleted by a layer with a character device 0/0 of the same name.
      if (stats.isCharacterDevice() && stats.rdev === 0) whiteouts.push(index);
      if (type === "file" && headBytes > 0 && stats.size > 0 && stats.size <= SNIFF_LIMIT) {
        try {
          heads.push([
            index,
            readHeadConfinedSync(file, headBytes, { expected: { dev: stats.dev, ino: stats.ino }, maxBytes: SNIFF_LIMIT }),
          ]);
        } catch {
          // replaced, or unreadable: no sniffing
        }
      }
      if (type === "dir") pending.push(path);
    }
  }
  const columns = {
    // No path holds a NUL byte (the kernel refuses them), so it separates them safely.
    paths: paths.join("\0"),
    count: paths.length,
    types: Uint8Array.from(typeCodes),
    sizes: Float64Array.from(sizes),
    modes: Uint16Array.from(modes),
    uids: Float64Array.from(uids),
    gids: Float64Array.from(gids),
    mtimes: Float64Array.from(mtimes),
    devs: Float64Array.from(devs),
    inos: Float64Array.from(inos),
    links,
    whiteouts,
    heads,
  };
  const transfer = [
    columns.types,
    columns.sizes,
    columns.modes,
    columns.uids,
    columns.gids,
    columns.mtimes,
    columns.devs,
    columns.inos,
  ].map((array) => array.buffer);
  return { columns, refused, unlisted: frontier > 0 ? pending : [], transfer };
}
