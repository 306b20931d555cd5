import { createHash } from "node:crypto";
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { env } from "@/lib/env";
import type { InspectedContainer } from "./inspect-container";
import { ConfinedOpenError, openConfined } from "./open-confined.mjs";
import { walkLayerFolders } from "./walk-layer-folders.mjs";
import { formatBytes, warningFromRefusal, type ReadWarning } from "./read-warning";
import type { EngineConnection } from "./types";
import type { ArchiveHeader, HashAlgorithm, WalkOptions } from "./walk-archive";

// The engine serialises archive requests per container (~70 ms each), so reading hundreds of
// modified files one request at a time is slow. When Kura runs on the engine's host, the
// overlay2 upper directory holds exactly the container's changed files: read them directly.
// Anything unusual (another storage driver, a remote engine, no permission) falls back to the
// archive API, which is always correct. Every file and folder in it is opened through
// open-confined.mjs (the container may be hostile and may swap paths while Kura reads).

/** Package-owned files larger than this are not hashed (they are reported as not compared, with a warning). */
export const PACKAGE_FILE_HASH_MAX_BYTES = 512 * 1024 * 1024;

/** The container's writable-layer folder on this machine, or null when it cannot be read here (from one inspection). */
export function findLayerDirectory(engine: EngineConnection, inspected: InspectedContainer): string | null {
  const upper = inspected.upperDir;
  if (env.KURA_LAYER_READ === "archive-api" || !engine.endpoint.startsWith("unix://")) return null;
  try {
    if (!upper || !path.isAbsolute(upper) || !statSync(upper).isDirectory()) return null;
    // Without links: files are read only where the kernel confirms the real path (see open-confined.mjs).
    return realpathSync(upper);
  } catch {
    return null;
  }
}

// Started by path, outside the bundle: a worker thread walks the folder while the main thread
// receives the engine's diff. (On 2 cores a same-thread walk delayed the diff by about a second.)
const WORKER = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "docker", "walk-layer.worker.mjs");

/** The worker's listing, one column per field (walk-layer.worker.mjs says why). */
type WorkerColumns = {
  paths: string;
  count: number;
  types: Uint8Array;
  sizes: Float64Array;
  modes: Uint16Array;
  uids: Float64Array;
  gids: Float64Array;
  mtimes: Float64Array;
  devs: Float64Array;
  inos: Float64Array;
  links: [number, string][];
  whiteouts: number[];
  heads: [number, Uint8Array][];
};
type WorkerResult = { columns: WorkerColumns; refused: { path: string; reason: string; message: string }[]; unlisted: string[] };

const TYPES: ArchiveHeader["type"][] = ["file", "dir", "symlink", "other"];

/** The headers, in the walk's order (a folder before what it holds). */
function headersFromColumns(columns: WorkerColumns, headers: Map<string, ArchiveHeader>): void {
  const paths = columns.count ? columns.paths.split("\0") : [];
  const links = new Map(columns.links);
  const heads = new Map(columns.heads);
  const whiteouts = new Set(columns.whiteouts);
  // Files of one container share few distinct seconds: each ISO string is made once.
  const isoOf = new Map<number, string>();
  for (let index = 0; index < paths.length; index++) {
    const seconds = columns.mtimes[index]!;
    let mtime = isoOf.get(seconds);
    if (mtime === undefined) {
      mtime = new Date(seconds * 1000).toISOString();
      isoOf.set(seconds, mtime);
    }
    const path = paths[index]!;
    const header: ArchiveHeader = {
      path,
      type: TYPES[columns.types[index]!]!,
      size: columns.sizes[index]!,
      mode: columns.modes[index]!,
      uid: columns.uids[index]!,
      gid: columns.gids[index]!,
      uname: "",
      gname: "",
      mtime,
      linkTarget: links.get(index) ?? null,
      inode: { dev: columns.devs[index]!, ino: columns.inos[index]! },
    };
    const head = heads.get(index);
    if (head) header.head = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
    if (whiteouts.has(index)) header.whiteout = true;
    headers.set(path, header);
  }
}

export type LayerWalk = { headers: Map<string, ArchiveHeader>; warnings: ReadWarning[] };

/**
 * Every path in the layer folder with its header (type, size, mode, owner, mtime, link target, inode,
 * and the first bytes of small files). It needs no diff, so it runs while the engine computes one;
 * the caller keeps the paths the diff lists (the folder also holds overlay whiteouts). A folder that
 * turned into a symlink while it was walked is not listed, and is reported in `warnings`.
 */
export async function walkLayerDirectory(layerDir: string, options: Pick<WalkOptions, "headBytes"> = {}): Promise<LayerWalk> {
  const headBytes = options.headBytes ?? 0;
  // First here, breadth-first, up to MAIN_THREAD_ENTRIES (most layers end there: no worker to start, which cost more
  // than the listing); what is left is shared by the workers, listing at once on the two cores.
  const first = walkLayerFolders({ layerDir, headBytes, roots: [""], frontier: 1, maxEntries: MAIN_THREAD_ENTRIES });
  const shares: string[][] = Array.from({ length: WALKERS }, () => []);
  first.unlisted.forEach((folder, index) => shares[index % WALKERS]!.push(folder));
  const rest = first.unlisted.length
    ? await Promise.all(shares.filter((share) => share.length).map((roots) => runWalker({ layerDir, headBytes, roots, frontier: 0 })))
    : [];
  // In this order a folder still comes before what it holds (diff-from-layer-folder.ts relies on it for speed).
  const headers = new Map<string, ArchiveHeader>();
  for (const result of [first, ...rest]) headersFromColumns(result.columns, headers);
  const warnings = [first, ...rest].flatMap((result) =>
    result.refused.map((folder): ReadWarning => ({
      code: "outside-layer",
      path: folder.path,
      message: `${folder.path} was swapped for a symlink while Kura listed the container's layer: what is below it was not listed.`,
    })),
  );
  return { headers, warnings };
}

/** Walkers at once after the first pass, and how many entries that pass lists on the caller's thread at most. */
const WALKERS = 2;
const MAIN_THREAD_ENTRIES = 5_000;

function runWalker(workerData: { layerDir: string; headBytes: number; roots: string[]; frontier: number }): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the layer walker stopped with code ${code}`))));
  });
}

export type LayerFileToHash = { path: string; inode?: { dev: number; ino: number } };

/**
 * Hex digests of files in the layer folder (package-owned files to compare with the package database: dpkg's md5,
 * apk's sha1, rpm's sha256). Each is opened confined, and only when it is still the inode the walk saw; a file
 * refused (replaced by a FIFO, a device node or a symlink, led outside, or over PACKAGE_FILE_HASH_MAX_BYTES) is not
 * compared, and said in `warnings`.
 */
export async function hashLayerFiles(
  layerDir: string,
  files: LayerFileToHash[],
  algorithm: HashAlgorithm = "md5",
  maxBytes = PACKAGE_FILE_HASH_MAX_BYTES,
): Promise<{ sums: Map<string, string>; warnings: ReadWarning[] }> {
  const sums = new Map<string, string>();
  const warnings: ReadWarning[] = [];
  for (const file of files) {
    const hostPath = path.posix.join(layerDir, file.path);
    if (!hostPath.startsWith(`${layerDir}/`) || hostPath !== layerDir + file.path) continue;
    try {
      const { handle } = await openConfined(hostPath, { expected: file.inode ?? null, maxBytes });
      const hash = createHash(algorithm);
      // Never more than the size fstat gave (the file may grow while it is read).
      const stream = handle.createReadStream({ highWaterMark: 1024 * 1024, end: maxBytes - 1 });
      for await (const chunk of stream) hash.update(chunk as Buffer);
      sums.set(file.path, hash.digest("hex"));
    } catch (error) {
      if (error instanceof ConfinedOpenError) {
        const consequence =
          error.reason === "too-large"
            ? `not compared with its package (Kura hashes package files up to ${formatBytes(maxBytes)})`
            : "not compared with its package";
        const warning = warningFromRefusal(error, file.path, consequence);
        if (warning) warnings.push(warning);
      }
      // otherwise unreadable: the comparison is reported as not checked
    }
  }
  return { sums, warnings };
}
