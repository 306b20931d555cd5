// Worker thread: list a container's overlay2 upper folder with lstat, off the main thread, so the
// dashboard keeps receiving the engine's diff meanwhile. Plain JS with Node built-ins only: it is
// started by path (see read-layer-directly.ts), outside the app bundle.
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

const SNIFF_LIMIT = 16 * 1024;
const { layerDir, headBytes } = workerData;

function typeOf(stats) {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "dir";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

function readHead(file) {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(headBytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, headBytes, 0));
  } finally {
    closeSync(fd);
  }
}

const headers = [];
const pending = [""];
while (pending.length) {
  const relative = pending.pop();
  let names;
  try {
    names = readdirSync(layerDir + relative);
  } catch {
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
    };
    if (type === "file" && headBytes > 0 && stats.size > 0 && stats.size <= SNIFF_LIMIT) {
      try {
        header.head = readHead(file);
      } catch {
        // unreadable content: no sniffing
      }
    }
    headers.push(header);
    if (type === "dir") pending.push(path);
  }
}
parentPort.postMessage(headers);
