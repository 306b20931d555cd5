import { processSingleton } from "@/lib/process-singleton";
import { hashLayerFiles, walkLayerDirectory, type LayerFileToHash } from "./read-layer-directly";
import type { ReadWarning } from "./read-warning";
import type { ArchiveHeader, HashAlgorithm } from "./walk-archive";

// An image layer never changes once made (its diffID is the digest of its content), so what Kura
// learns from one — every path with its header, and the digests of the package files it compared —
// is kept in this process, keyed by diffID: the second detection of a container of the same image,
// or of another container of it, reads only the container's own writable layer.

export type LayerAnalysis = {
  diffId: string;
  /** The folder it was read from (a later hash opens files there, checked against the inodes below). */
  layerDir: string;
  headers: Map<string, ArchiveHeader>;
  /** Digests computed so far, keyed `${algorithm}:${path}`. */
  sums: Map<string, string>;
  warnings: ReadWarning[];
};

type Cache = { layers: Map<string, LayerAnalysis>; headerCount: number; hits: number; misses: number };

const HASH_CONCURRENCY = 4;

/** At most this many paths are held over all cached layers (the oldest used layer goes first). */
export const LAYER_CACHE_MAX_PATHS = 1_000_000;

const cache = processSingleton("image-layer-analyses", (): Cache => ({ layers: new Map(), headerCount: 0, hits: 0, misses: 0 }));

/** Hits and misses of the layer cache since the process started. */
export function layerCacheCounters(): { hits: number; misses: number; layers: number } {
  return { hits: cache.hits, misses: cache.misses, layers: cache.layers.size };
}

function remember(analysis: LayerAnalysis) {
  const previous = cache.layers.get(analysis.diffId);
  if (previous) cache.headerCount -= previous.headers.size;
  cache.layers.delete(analysis.diffId);
  cache.layers.set(analysis.diffId, analysis);
  cache.headerCount += analysis.headers.size;
  for (const [diffId, old] of cache.layers) {
    if (cache.headerCount <= LAYER_CACHE_MAX_PATHS || diffId === analysis.diffId) break;
    cache.layers.delete(diffId);
    cache.headerCount -= old.headers.size;
  }
}

/**
 * One image layer's paths (confined walk of its folder, like the writable layer's), from the cache when this diffID
 * was read before from the same folder. `cached` says which.
 */
export async function readImageLayer(
  layerDir: string,
  diffId: string,
  headBytes = 64,
): Promise<{ analysis: LayerAnalysis; cached: boolean }> {
  const known = cache.layers.get(diffId);
  if (known && known.layerDir === layerDir) {
    cache.hits++;
    // Most recently used last: eviction takes the first.
    cache.layers.delete(diffId);
    cache.layers.set(diffId, known);
    return { analysis: known, cached: true };
  }
  cache.misses++;
  const walk = await walkLayerDirectory(layerDir, { headBytes });
  const analysis: LayerAnalysis = { diffId, layerDir, headers: walk.headers, sums: new Map(), warnings: walk.warnings };
  remember(analysis);
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
  if (!missing.length) return { sums, warnings: [], hashed: 0 };
  // A few files at once: each confined open costs a few system calls, and the disk serves several reads well.
  const slices = Array.from({ length: HASH_CONCURRENCY }, (_, slice) => missing.filter((_, index) => index % HASH_CONCURRENCY === slice));
  const results = await Promise.all(slices.map((slice) => hashLayerFiles(analysis.layerDir, slice, algorithm)));
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
