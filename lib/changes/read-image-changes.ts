import { findDistributionRoot, findImageBase, type ImageBase } from "@/lib/changes/find-image-base";
import { mergeImageLayers, type ImageDeletion, type MergedImagePath } from "@/lib/changes/merge-image-layers";
import { inspectImageLayers, listImageChains, type ImageLayers } from "@/lib/docker/inspect-image-layers";
import { exportImageLayers } from "@/lib/docker/export-image-layers";
import { chainIds } from "@/lib/docker/read-opaque-folders";
import { readImageLayer, type LayerAnalysis } from "@/lib/docker/read-image-layer";
import type { HashAlgorithm } from "@/lib/docker/walk-archive";
import type { ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";
import type { ArchiveHeader } from "@/lib/docker/walk-archive";
import { mapLimit } from "@/lib/concurrency/map-limit";

// The image's own layers as mutable data: what a Dockerfile wrote above the base (COPY app/,
// RUN sed -i on a conffile, a site in /var/www) comes back from no repository, so detection lists
// it like the container's own changes, each path with the layer and step that made it.

export type ImageLayerRef = { index: number; diffId: string; step: string | null };

export type DetectedImageLayer = ImageLayerRef & {
  /** One of the base image's layers (not listed: they come back with the base). */
  base: boolean;
  /** Paths whose topmost version this layer holds (and deletions it made), as listed. */
  entries: number;
  /** Its analysis came from the layer cache (read before, in this process). */
  cached: boolean;
};

export type DetectedImage = {
  reference: string;
  id: string;
  base: ImageBase;
  layers: DetectedImageLayer[];
  /** How the image's layers were read: from their folders on this machine, from the engine's image export, or not at all (a warning says so). */
  readVia: "overlay2" | "image-export" | "not-read";
  /** Layer analyses this detection took from the cache (hits) or read (misses). */
  layerCache: { hits: number; misses: number };
};

export type ImageChanges = {
  image: DetectedImage;
  paths: MergedImagePath<ArchiveHeader>[];
  deletions: ImageDeletion[];
  /** Each read layer's analysis, by index (to hash its files). */
  analyses: Map<number, LayerAnalysis>;
  /** Layers that ran the package manager (they changed its database): their install scripts made folders too. */
  packageLayers: Set<number>;
  /** When the image was made (every layer is older), from the engine; null when it does not say. */
  createdAt: string | null;
};

const PACKAGE_DATABASES = [
  "/var/lib/dpkg/status",
  "/lib/apk/db/installed",
  "/var/lib/rpm/rpmdb.sqlite",
  "/usr/lib/sysimage/rpm/rpmdb.sqlite",
];

const LAYER_READ_CONCURRENCY = 2;

function notRead(image: ImageLayers, reference: string, base: ImageBase, why: string, warnings: ReadWarning[]): ImageChanges {
  const above = image.layers.length - base.layers;
  if (above > 0) {
    warnings.push({
      code: "image-layers-not-read",
      path: null,
      message:
        `The image's own ${above} layer(s) above its base (${base.reference ?? "unknown base"}) were not read ${why}: ` +
        "what its Dockerfile wrote (copied files, edited configuration, installed tools) is not among the changes, " +
        "and a restore onto a new base will not bring it back.",
    });
  }
  return {
    image: {
      reference,
      id: image.id,
      base,
      layers: image.layers.map((layer) => ({ ...layer, base: layer.index < base.layers, entries: 0, cached: false })),
      readVia: "not-read",
      layerCache: { hits: 0, misses: 0 },
    },
    paths: [],
    deletions: [],
    analyses: new Map(),
    packageLayers: new Set(),
    createdAt: image.createdAt,
  };
}

/**
 * The image's layers above its base, merged as the container sees them. Null when the engine no longer has the
 * image. Without the layer folders (a remote engine, another storage driver) nothing is listed and a warning says so.
 */
export async function readImageChanges(
  engine: EngineConnection,
  image: { reference: string; id: string },
  options: {
    /** false: through the engine's API only (an image export), as for a remote engine. */
    readLayers: boolean;
    /** Why the layers are not to be read at all (said in a warning), or null. */
    skip?: string | null;
    warnings: ReadWarning[];
    /** The digest the package database records (dpkg md5, apk sha1, rpm sha256); null: no package manager. */
    hashAlgorithm: () => Promise<HashAlgorithm | null>;
    signal?: AbortSignal;
    /** The person asked for the content of a base that is not a distribution image: list all but its distribution root. */
    baseContent?: boolean;
  },
): Promise<ImageChanges | null> {
  const layers = await inspectImageLayers(engine, image.id);
  if (!layers) return null;
  // An image of one layer is its own base (debian:bookworm itself): no need to ask about the engine's other images.
  const candidates = layers.layers.length > 1 ? await listImageChains(engine, layers).catch(() => []) : [];
  const chain = { id: layers.id, diffIds: layers.layers.map((layer) => layer.diffId), steps: layers.layers.map((l) => l.step) };
  const found = findImageBase({ ...chain, tags: layers.tags }, candidates);
  // Its own content asked for: the layers listed start above the distribution's root instead (python:3.11 -> debian).
  const root = options.baseContent && !found.distribution ? findDistributionRoot(chain, candidates, found.layers) : found.layers;
  const base: ImageBase = root < found.layers ? { ...found, layers: root, contentListed: true } : found;
  // Nothing above the base (the container runs debian:bookworm itself): nothing to read.
  if (base.layers >= layers.layers.length) return notRead(layers, image.reference, base, "", options.warnings);
  if (options.skip) return notRead(layers, image.reference, base, options.skip, options.warnings);
  const analyses = new Map<number, LayerAnalysis>();
  const cached = new Set<number>();
  const dirs = options.readLayers ? layers.layerDirs : null;
  if (dirs) {
    const chains = chainIds(layers.layers.map((layer) => layer.diffId));
    await mapLimit(layers.layers, LAYER_READ_CONCURRENCY, async (layer) => {
      // A base layer's files are never listed: no need to sniff their first bytes.
      const read = await readImageLayer(dirs[layer.index]!, layer.diffId, layer.index < base.layers ? 0 : 64, chains[layer.index] ?? null);
      analyses.set(layer.index, read.analysis);
      if (read.cached) cached.add(layer.index);
    });
  } else {
    // No folders here (a remote engine, another storage driver): the engine's export of the image, streamed once.
    try {
      const algorithm = await options.hashAlgorithm();
      const above = new Set(layers.layers.filter((layer) => layer.index >= base.layers).map((layer) => layer.diffId));
      const exported = await exportImageLayers(engine, layers.id, {
        wanted: new Set(layers.layers.map((layer) => layer.diffId)),
        hash: algorithm ? { diffIds: above, algorithm } : null,
        signal: options.signal,
      });
      for (const layer of layers.layers) {
        const analysis = exported.layers.get(layer.diffId);
        if (!analysis) throw new Error(`the export does not hold layer ${layer.index} (${layer.diffId})`);
        analyses.set(layer.index, analysis);
        if (exported.cached.has(layer.diffId)) cached.add(layer.index);
      }
    } catch (error) {
      const why = `(the engine's export of the image could not be read: ${error instanceof Error ? error.message : String(error)})`;
      return notRead(layers, image.reference, base, why, options.warnings);
    }
  }
  for (const analysis of analyses.values()) options.warnings.push(...analysis.warnings);
  const merged = mergeImageLayers(
    [...analyses].map(([index, analysis]) => ({ index, headers: analysis.headers })),
    base.layers,
  );
  const counts = new Map<number, number>();
  for (const item of [...merged.paths, ...merged.deletions]) counts.set(item.index, (counts.get(item.index) ?? 0) + 1);
  return {
    image: {
      reference: image.reference,
      id: layers.id,
      base,
      layers: layers.layers.map((layer) => ({
        ...layer,
        base: layer.index < base.layers,
        entries: counts.get(layer.index) ?? 0,
        cached: cached.has(layer.index),
      })),
      readVia: dirs ? "overlay2" : "image-export",
      layerCache: { hits: cached.size, misses: layers.layers.length - cached.size },
    },
    paths: merged.paths,
    deletions: merged.deletions,
    analyses,
    packageLayers: new Set(
      [...analyses].filter(([, analysis]) => PACKAGE_DATABASES.some((file) => analysis.headers.has(file))).map(([index]) => index),
    ),
    createdAt: layers.createdAt,
  };
}
