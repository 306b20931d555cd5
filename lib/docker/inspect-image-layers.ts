import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { withTimeout } from "./docker-error";
import { processSingleton } from "@/lib/process-singleton";
import type { EngineConnection } from "./types";

// An image's layers as the engine keeps them: diffIDs lowest first, the Dockerfile step that made
// each (from the image history), and, on the engine's own host with overlay2, each layer's folder.

/** One filesystem layer of an image, index 0 the lowest. */
export type ImageLayerFacts = {
  index: number;
  diffId: string;
  /** The Dockerfile step that made it ("COPY file:… in /opt/app/", "RUN apt-get …"), null when the history does not say. */
  step: string | null;
};

export type ImageLayers = {
  id: string;
  tags: string[];
  digest: string | null;
  size: number;
  createdAt: string | null;
  layers: ImageLayerFacts[];
  /** Each layer's folder on this machine (same order as `layers`), or null when they cannot be read here. */
  layerDirs: string[] | null;
};

type HistoryItem = { CreatedBy?: string; Size?: number };

/** Steps that only change the image's configuration: they make no layer (the history marks them empty). */
const METADATA_STEP =
  /^(?:\/bin\/sh -c #\(nop\)\s+)?(?:CMD|ENTRYPOINT|ENV|LABEL|EXPOSE|USER|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ARG|ONBUILD|MAINTAINER)\b/;

/** A history step as a person reads it: "/bin/sh -c #(nop) " and BuildKit's "# buildkit" removed. */
export function cleanStep(createdBy: string): string {
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, "")
    .replace(/^\/bin\/sh -c /, "RUN ")
    .replace(/^RUN \/bin\/sh -c /, "RUN ")
    .replace(/\s*# buildkit$/, "")
    .trim();
}

/**
 * The step of each layer, lowest first, from the history (oldest last, as the engine returns it). The API does not
 * mark empty steps, so a step makes a layer when it has bytes, or when it is not a configuration-only step (a RUN that
 * only deleted files has 0 B and still a layer). Null steps when the count does not come out right.
 */
export function stepsFromHistory(history: HistoryItem[], layerCount: number): (string | null)[] {
  const steps: string[] = [];
  for (const item of [...history].reverse()) {
    const createdBy = item.CreatedBy ?? "";
    const makesLayer = (item.Size ?? 0) > 0 || (createdBy !== "" && !METADATA_STEP.test(createdBy.trim()));
    if (makesLayer) steps.push(cleanStep(createdBy));
  }
  if (steps.length !== layerCount) return Array.from({ length: layerCount }, () => null);
  return steps.map((step) => step || null);
}

function layerFolders(driver: { Name?: string; Data?: Record<string, string> } | undefined, count: number, engine: EngineConnection) {
  if (env.KURA_LAYER_READ === "archive-api" || !engine.endpoint.startsWith("unix://")) return null;
  if (driver?.Name !== "overlay2" || !driver.Data?.UpperDir) return null;
  // UpperDir is the top layer; LowerDir the others, top first.
  const topFirst = [driver.Data.UpperDir, ...(driver.Data.LowerDir ? driver.Data.LowerDir.split(":") : [])];
  if (topFirst.length !== count) return null;
  try {
    const dirs = topFirst.reverse().map((dir) => {
      if (!path.isAbsolute(dir) || !statSync(dir).isDirectory()) throw new Error("not a folder");
      return realpathSync(dir);
    });
    return dirs;
  } catch {
    return null;
  }
}

/** An image's layers, steps and (when local) layer folders; null when the engine no longer has it. */
export async function inspectImageLayers(engine: EngineConnection, imageRef: string): Promise<ImageLayers | null> {
  const docker = dockerFor(engine);
  try {
    const image = await withTimeout(docker.getImage(imageRef).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
    const diffIds = image.RootFS?.Layers ?? [];
    let steps: (string | null)[] = diffIds.map(() => null);
    try {
      const history = (await withTimeout(docker.getImage(image.Id).history(), env.KURA_ENGINE_TIMEOUT_MS)) as HistoryItem[];
      steps = stepsFromHistory(history, diffIds.length);
    } catch {
      // no history: steps unknown
    }
    return {
      id: image.Id,
      tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
      digest: image.RepoDigests?.[0] ?? null,
      size: image.Size,
      createdAt: image.Created ? new Date(image.Created).toISOString() : null,
      layers: diffIds.map((diffId, index) => ({ index, diffId, step: steps[index] ?? null })),
      layerDirs: layerFolders(image.GraphDriver as { Name?: string; Data?: Record<string, string> }, diffIds.length, engine),
    };
  } catch {
    return null;
  }
}

// Image ids name immutable content: an inspection is cached by id (bounded), so finding a base among the engine's
// images costs one listing per detection after the first.
const chains = processSingleton(
  "image-layer-chains",
  () => new Map<string, { diffIds: string[]; tags: string[]; digest: string | null }>(),
);
const CHAIN_CACHE_MAX = 2000;

export type ImageChain = { id: string; tags: string[]; digest: string | null; diffIds: string[] };

/** The layer chains of the engine's tagged images that could be the base of `image` (no larger, not newer). */
export async function listImageChains(engine: EngineConnection, image: { size: number; createdAt: string | null }): Promise<ImageChain[]> {
  const docker = dockerFor(engine);
  const images = await withTimeout(docker.listImages(), env.KURA_ENGINE_TIMEOUT_MS);
  // A base is no larger than the image and was made before it.
  const createdBefore = image.createdAt ? Date.parse(image.createdAt) / 1000 + 1 : Infinity;
  const candidates = images.filter(
    (candidate) =>
      candidate.Size <= image.size &&
      candidate.Created <= createdBefore &&
      (candidate.RepoTags ?? []).some((tag) => tag !== "<none>:<none>"),
  );
  const result: ImageChain[] = [];
  // A few inspections at once (the first detection in a process asks about every candidate; later ones hit the cache).
  const queue = [...candidates];
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) await inspectChain(image);
  };
  const inspectChain = async (summary: (typeof candidates)[number]) => {
    let chain = chains.get(summary.Id);
    if (!chain) {
      try {
        const inspected = await withTimeout(docker.getImage(summary.Id).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
        chain = {
          diffIds: inspected.RootFS?.Layers ?? [],
          tags: (inspected.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
          digest: inspected.RepoDigests?.[0] ?? null,
        };
      } catch {
        return; // removed meanwhile
      }
      if (chains.size >= CHAIN_CACHE_MAX) chains.delete(chains.keys().next().value as string);
      chains.set(summary.Id, chain);
    }
    result.push({ id: summary.Id, ...chain, tags: (summary.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>") });
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return result;
}
