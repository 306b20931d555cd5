import { processSingleton } from "@/lib/process-singleton";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { ConfinedOpenError, type ConfinedRefusal } from "./open-confined.mjs";
import { PACKAGE_FILE_HASH_MAX_BYTES, walkLayerDirectory, type LayerFileToHash } from "./read-layer-directly";
import { readOpaqueFolders } from "./read-opaque-folders";
import { formatBytes, warningFromRefusal, type ReadWarning } from "./read-warning";
import type { ArchiveHeader, HashAlgorithm } from "./walk-archive";

// An image layer never changes once made (its diffID is the digest of its content), so what Kura
// learns from one — every path with its header, and the digests of the package files it compared —
// is kept in this process, keyed by diffID: the second detection of a container of the same image,
// or of another container of it, reads only the container's own writable layer.

export type LayerAnalysis = {
  diffId: string;
  /** The folder it was read from (a later hash opens files there, checked against the inodes below); null: from an image export. */
  layerDir: string | null;
  headers: Map<string, ArchiveHeader>;
  /** How many first bytes of small files the headers hold (0: none; a base layer's are never looked at). */
  headBytes: number;
  /** Digests computed so far, keyed `${algorithm}:${path}`. */
  sums: Map<string, string>;
  warnings: ReadWarning[];
};

type Cache = { layers: Map<string, LayerAnalysis>; headerCount: number; hits: number; misses: number };

const HASH_WORKERS = 2;
const HASH_WORKER = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "docker", "hash-layer.worker.mjs");

type HashWorkerResult = {
  sums: [string, string][];
  refused: { path: string; reason: ConfinedRefusal; detail: string; size: number | null }[];
};

/** hashLayerFiles in a worker thread: the same confined opens and the same warnings. */
function hashInWorker(
  layerDir: string,
  files: LayerFileToHash[],
  algorithm: HashAlgorithm,
): Promise<{ sums: Map<string, string>; warnings: ReadWarning[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { workerData: { layerDir, files, algorithm, maxBytes: PACKAGE_FILE_HASH_MAX_BYTES } });
    worker.once("message", ({ sums, refused }: HashWorkerResult) => {
      const warnings: ReadWarning[] = [];
      for (const file of refused) {
        const error = new ConfinedOpenError(file.reason, layerDir + file.path, file.detail, file.size);
        const consequence =
          file.reason === "too-large"
            ? `not compared with its package (Kura hashes package files up to ${formatBytes(PACKAGE_FILE_HASH_MAX_BYTES)})`
            : "not compared with its package";
        const warning = warningFromRefusal(error, file.path, consequence);
        if (warning) warnings.push(warning);
      }
      resolve({ sums: new Map(sums), warnings });
    });
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the layer hasher stopped with code ${code}`))));
  });
}

/** At most this many paths are held over all cached layers (the oldest used layer goes first). */
export const LAYER_CACHE_MAX_PATHS = 500_000;

const cache = processSingleton("image-layer-analyses", (): Cache => ({ layers: new Map(), headerCount: 0, hits: 0, misses: 0 }));

/** Hits and misses of the layer cache since the process started. */
export function layerCacheCounters(): { hits: number; misses: number; layers: number } {
  return { hits: cache.hits, misses: cache.misses, layers: cache.layers.size };
}

// Folder reads and export reads are kept apart: only the first can hash more files later.
const keyOf = (diffId: string, layerDir: string | null) => (layerDir === null ? `export:${diffId}` : diffId);

/** Keeps a layer's analysis (the least recently used ones go when the cache holds too many paths). */
export function rememberLayer(analysis: LayerAnalysis) {
  const key = keyOf(analysis.diffId, analysis.layerDir);
  const previous = cache.layers.get(key);
  if (previous) cache.headerCount -= previous.headers.size;
  cache.layers.delete(key);
  cache.layers.set(key, analysis);
  cache.headerCount += analysis.headers.size;
  for (const [oldKey, old] of cache.layers) {
    if (cache.headerCount <= LAYER_CACHE_MAX_PATHS || oldKey === key) break;
    cache.layers.delete(oldKey);
    cache.headerCount -= old.headers.size;
  }
}

/** A cached analysis of this layer, read from `layerDir` (null: from an export), counted as a hit or a miss. */
export function cachedLayer(diffId: string, layerDir: string | null, headBytes = 0): LayerAnalysis | null {
  const key = keyOf(diffId, layerDir);
  const known = cache.layers.get(key);
  if (!known || known.layerDir !== layerDir || known.headBytes < headBytes) {
    cache.misses++;
    return null;
  }
  cache.hits++;
  // Most recently used last: eviction takes the first.
  cache.layers.delete(key);
  cache.layers.set(key, known);
  return known;
}

/**
 * One image layer's paths (confined walk of its folder, like the writable layer's), from the cache when this diffID
 * was read before from the same folder. `cached` says which.
 */
export async function readImageLayer(
  layerDir: string,
  diffId: string,
  headBytes = 64,
  chainId: string | null = null,
): Promise<{ analysis: LayerAnalysis; cached: boolean }> {
  const known = cachedLayer(diffId, layerDir, headBytes);
  if (known) return { analysis: known, cached: true };
  const [walk, opaque] = await Promise.all([
    walkLayerDirectory(layerDir, { headBytes }),
    chainId ? readOpaqueFolders(layerDir, chainId) : Promise.resolve(null),
  ]);
  // Opaque folders as the image format marks them (`<folder>/.wh..wh..opq`): the merge hides what lower layers hold below.
  for (const folder of opaque ?? []) {
    const marker = `${folder}/.wh..wh..opq`;
    walk.headers.set(marker, {
      path: marker,
      type: "other",
      size: 0,
      mode: 0,
      uid: 0,
      gid: 0,
      uname: "",
      gname: "",
      mtime: "",
      linkTarget: null,
    });
  }
  const analysis: LayerAnalysis = { diffId, layerDir, headers: walk.headers, headBytes, sums: new Map(), warnings: walk.warnings };
  rememberLayer(analysis);
  return { analysis, cached: false };
}

/** Digests of files of a cached layer; only those not computed before are read. */
export async function hashImageLayerFiles(
  analysis: LayerAnalysis,
  files: LayerFileToHash[],
  algorithm: HashAlgorithm,
): Promise<{ sums: Map<string, string>; warnings: ReadWarning[]; hashed: number }> {
  const sums = new Map<string, string>();
  const missing: LayerFileToHash[] = [];
  for (const file of files) {
    const known = analysis.sums.get(`${algorithm}:${file.path}`);
    if (known) sums.set(file.path, known);
    else missing.push(file);
  }
  // An exported layer's digests were all taken as it streamed: nothing more can be read of it.
  const layerDir = analysis.layerDir;
  if (!missing.length || layerDir === null) return { sums, warnings: [], hashed: 0 };
  // In worker threads (synchronous reads, off the main thread); the files are spread over them.
  const workers = Math.min(HASH_WORKERS, Math.ceil(missing.length / 64));
  const slices = Array.from({ length: workers }, (_, slice) => missing.filter((_, index) => index % workers === slice));
  const results = await Promise.all(slices.map((slice) => hashInWorker(layerDir, slice, algorithm)));
  const warnings: ReadWarning[] = [];
  for (const hashed of results) {
    warnings.push(...hashed.warnings);
    for (const [file, digest] of hashed.sums) {
      analysis.sums.set(`${algorithm}:${file}`, digest);
      sums.set(file, digest);
    }
  }
  return { sums, warnings, hashed: missing.length };
}
