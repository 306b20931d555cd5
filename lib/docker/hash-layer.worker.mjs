// @ts-check
// Worker thread: hash files of a layer folder (package files to compare with the package database), off the main
// thread and with synchronous reads (a few thousand files cost far less than as async streams). Every file is opened
// through open-confined.mjs, only when it is still the inode the walk saw. Plain JS, started by path (see
// read-image-layer.ts), outside the app bundle.
import { createHash } from "node:crypto";
import { closeSync, readSync } from "node:fs";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { ConfinedOpenError, openConfinedSync } from "./open-confined.mjs";

/** @type {{ layerDir: string; files: { path: string; inode?: { dev: number; ino: number } }[]; algorithm: string; maxBytes: number }} */
const { layerDir, files, algorithm, maxBytes } = workerData;
const buffer = Buffer.alloc(1024 * 1024);
/** @type {[string, string][]} */
const sums = [];
/** @type {{ path: string; reason: string; detail: string; size: number | null }[]} */
const refused = [];
for (const file of files) {
  // Only plain absolute paths below the folder (they come from Kura's own walk of it).
  if (!file.path.startsWith("/") || path.posix.normalize(file.path) !== file.path) continue;
  const hostPath = layerDir + file.path;
  let fd = -1;
  try {
    ({ fd } = openConfinedSync(hostPath, { expected: file.inode ?? null, maxBytes }));
    const hash = createHash(algorithm);
    let read = 0;
    for (;;) {
      const count = readSync(fd, buffer, 0, Math.min(buffer.length, maxBytes - read), null);
      if (count <= 0) break;
      hash.update(buffer.subarray(0, count));
      read += count;
      if (read >= maxBytes) break;
    }
    sums.push([file.path, hash.digest("hex")]);
  } catch (error) {
    if (error instanceof ConfinedOpenError) refused.push({ path: file.path, reason: error.reason, detail: error.detail, size: error.size });
    // otherwise unreadable: reported as not compared
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
parentPort?.postMessage({ sums, refused });
