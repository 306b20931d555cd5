import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { isDistributionImage } from "@/lib/changes/find-image-base";
import { env } from "@/lib/env";
import { processSingleton } from "@/lib/process-singleton";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import { ConfinedOpenError, openConfined } from "./open-confined.mjs";
import { ContainerFileTooLarge, readContainerFile } from "./read-container-file";
import { formatBytes, warningFromRefusal, type ReadWarning } from "./read-warning";
import { createContainer, removeContainer } from "./run-container";
import type { EngineConnection } from "./types";

// A file as the container's lowest image layer holds it: what the original base image shipped
// (debian:bullseye's own /var/lib/dpkg/status, before anything was installed on top). On the
// engine's own host with overlay2 it is read from that layer's folder (the last of the container's
// LowerDir), through the confined open; elsewhere (remote engines, KURA_LAYER_READ=archive-api)
// from a created, never started, container of a local image that consists of that layer alone,
// through the archive API. Either way within a size limit, said in a warning past it.

export type LowestLayerFile =
  | { read: true; bytes: Buffer; image: string | null; readVia: "layer-folder" | "archive-api" }
  /** Why the file was not read (a clause: "the lowest image layer has no …"), and a warning when Kura refused it. */
  | { read: false; why: string; warning: ReadWarning | null };

export type ReadLowestLayerOptions = { maxBytes: number; layerAccess?: "auto" | "archive-api" };

const LABELS = { "kura.role": "base-layer-probe" };
/** How many local images Kura inspects at most to find the one that is the lowest layer alone. */
const MAX_IMAGES_INSPECTED = 200;

type Layers = { imageRef: string; imageSize: number | null; lowestDiffId: string | null; lowestDir: string | null };

/** The image's layers from one image inspection (the caller inspected the container already: it is not asked again). */
async function imageLayers(engine: EngineConnection, image: ImageOfContainer): Promise<Layers> {
  const docker = dockerFor(engine);
  try {
    const info = await withTimeout(docker.getImage(image.imageId).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
    const driver = info.GraphDriver as { Name?: string; Data?: Record<string, string> } | undefined;
    // An image's UpperDir is its top layer, LowerDir the others, top first: the lowest is the last.
    const topFirst =
      driver?.Name === "overlay2" ? [driver.Data?.UpperDir ?? "", ...(driver.Data?.LowerDir ?? "").split(":")].filter(Boolean) : [];
    return {
      imageRef: image.imageRef,
      imageSize: info.Size ?? null,
      lowestDiffId: info.RootFS?.Layers?.[0] ?? null,
      lowestDir: topFirst.at(-1) ?? null,
    };
  } catch (error) {
    // The image was removed after the container was created: its layers are unknown here.
    if ((error as { statusCode?: number }).statusCode === 404)
      return { imageRef: image.imageRef, imageSize: null, lowestDiffId: null, lowestDir: null };
    throw toAppError(error);
  }
}

/** The image a container runs, as its inspection names it. */
export type ImageOfContainer = { imageId: string; imageRef: string };

type FoundImage = { id: string; tag: string | null } | null;
/** Which image is a lowest layer alone, per engine and layer, for a minute: a detection and the archive after it ask once. */
const FOUND_FOR_MS = 60_000;
const found = processSingleton("single-layer-images", () => new Map<string, { image: FoundImage; at: number }>());

async function findSingleLayerImage(engine: EngineConnection, diffId: string, sizeAtMost: number | null): Promise<FoundImage> {
  const key = `${engine.id}:${diffId}`;
  const cached = found.get(key);
  if (cached && Date.now() - cached.at < FOUND_FOR_MS) return cached.image;
  const image = await searchSingleLayerImage(engine, diffId, sizeAtMost);
  found.set(key, { image, at: Date.now() });
  return image;
}

/** A local image whose layers are exactly [diffId] (e.g. the imported debian:bullseye), tagged ones first; null when none. */
async function searchSingleLayerImage(
  engine: EngineConnection,
  diffId: string,
  sizeAtMost: number | null,
): Promise<{ id: string; tag: string | null } | null> {
  const docker = dockerFor(engine);
  const images = await withTimeout(docker.listImages(), env.KURA_ENGINE_TIMEOUT_MS);
  const tagOf = (tags: string[] | undefined) => (tags ?? []).filter((tag) => tag !== "<none>:<none>").sort()[0] ?? null;
  const rank = (image: { RepoTags?: string[]; Labels?: Record<string, string> | null }) =>
    (image.RepoTags ?? []).some((tag) => isDistributionImage(tag)) ? 2 : image.Labels?.["kura.restore"] ? 0 : 1;
  const candidates = images
    .filter((image) => sizeAtMost === null || image.Size <= sizeAtMost)
    // A distribution's own image names the layer best (debian:bookworm); a restore's stage built on it (same single
    // layer, other labels) never should.
    .sort((a, b) => rank(b) - rank(a) || Number(tagOf(b.RepoTags) !== null) - Number(tagOf(a.RepoTags) !== null) || a.Size - b.Size)
    .slice(0, MAX_IMAGES_INSPECTED);
  for (const candidate of candidates) {
    try {
      const image = await withTimeout(docker.getImage(candidate.Id).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
      const layers = image.RootFS?.Layers ?? [];
      if (layers.length === 1 && layers[0] === diffId)
        return { id: image.Id, tag: tagOf((image.RepoTags ?? []).filter(isDistributionImage)) ?? tagOf(image.RepoTags) };
    } catch {
      // removed meanwhile
    }
  }
  return null;
}

/** The lowest layer's folder on this machine, or null when it cannot be read here. */
function lowestLayerFolder(engine: EngineConnection, layers: Layers, layerAccess: ReadLowestLayerOptions["layerAccess"]): string | null {
  if (env.KURA_LAYER_READ === "archive-api" || layerAccess === "archive-api" || !engine.endpoint.startsWith("unix://")) return null;
  const folder = layers.lowestDir;
  try {
    if (!folder || !path.isAbsolute(folder) || !statSync(folder).isDirectory()) return null;
    return realpathSync(folder);
  } catch {
    return null;
  }
}

const tooLargeWarning = (filePath: string, size: number, maxBytes: number): ReadWarning => ({
  code: "file-too-large",
  path: filePath,
  message:
    `${filePath} in the container's lowest image layer is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} Kura reads of it: ` +
    "the original base image's own list of it was not used.",
});

/** Reads the file from the layer folder; "absent" when the layer has no such regular file, null when the folder cannot be read. */
async function readFromFolder(folder: string, filePath: string, maxBytes: number): Promise<LowestLayerFile | "absent" | null> {
  const hostPath = folder + filePath;
  try {
    const { handle, stats } = await openConfined(hostPath, { maxBytes });
    try {
      const bytes = Buffer.alloc(stats.size);
      let filled = 0;
      while (filled < bytes.length) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return { read: true, bytes: bytes.subarray(0, filled), image: null, readVia: "layer-folder" };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!(error instanceof ConfinedOpenError)) return null; // no permission here: the engine may still serve it
    if (error.reason === "missing") return "absent";
    if (error.reason === "too-large") {
      const why = `the lowest image layer's ${filePath} is over Kura's limit`;
      return { read: false, why, warning: tooLargeWarning(filePath, error.size ?? 0, maxBytes) };
    }
    const warning = warningFromRefusal(error, filePath, "the original base image's own list of it was not used");
    return { read: false, why: `the lowest image layer's ${filePath} was refused (it ${error.detail})`, warning };
  }
}

/** Reads the file from a created (never started, no network) container of the single-layer image, then removes it. */
async function readThroughImage(
  engine: EngineConnection,
  imageId: string,
  filePath: string,
  maxBytes: number,
): Promise<Buffer | "absent" | ReadWarning> {
  const { id } = await createContainer(engine, { image: imageId, labels: LABELS });
  try {
    return (await readContainerFile(engine, id, filePath, maxBytes)) ?? "absent";
  } catch (error) {
    if (error instanceof ContainerFileTooLarge) return tooLargeWarning(filePath, error.size, maxBytes);
    throw error;
  } finally {
    await removeContainer(engine, id).catch(() => undefined);
  }
}

/**
 * `filePath` as the container's lowest image layer holds it, with the local image that consists of that layer alone
 * (its tag, when it has one), or why it could not be read.
 */
export async function readLowestLayerFile(
  engine: EngineConnection,
  containerImage: ImageOfContainer,
  filePath: string,
  options: ReadLowestLayerOptions,
): Promise<LowestLayerFile> {
  const layers = await imageLayers(engine, containerImage);
  if (!layers.lowestDiffId && !layers.lowestDir) return { read: false, why: "the container's image layers are unknown", warning: null };
  const findImage = () =>
    layers.lowestDiffId ? findSingleLayerImage(engine, layers.lowestDiffId, layers.imageSize).catch(() => null) : Promise.resolve(null);
  const absent = { read: false as const, why: `the lowest image layer has no ${filePath} (it is not a plain OS)`, warning: null };

  const folder = lowestLayerFolder(engine, layers, options.layerAccess);
  if (folder) {
    const fromFolder = await readFromFolder(folder, filePath, options.maxBytes);
    if (fromFolder === "absent") return absent;
    if (fromFolder && !fromFolder.read) return fromFolder;
    if (fromFolder) return { ...fromFolder, image: (await findImage())?.tag ?? null };
  }
  const image = await findImage();
  if (!image) {
    const why = folder
      ? "its layer folder could not be read here"
      : "the engine offers no readable layer folder (remote engine, another storage driver, or KURA_LAYER_READ=archive-api)";
    return { read: false, why: `${why} and no local image consists of the lowest image layer alone`, warning: null };
  }
  const result = await readThroughImage(engine, image.id, filePath, options.maxBytes).catch((error: unknown) => {
    if (layers.lowestDiffId) found.delete(`${engine.id}:${layers.lowestDiffId}`); // the image may be gone since
    throw error;
  });
  if (result === "absent") return absent;
  if (!Buffer.isBuffer(result)) return { read: false, why: `the lowest image layer's ${filePath} is over Kura's limit`, warning: result };
  return { read: true, bytes: result, image: image.tag, readVia: "archive-api" };
}
