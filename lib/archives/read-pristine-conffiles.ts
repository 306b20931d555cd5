import { inspectImageLayers } from "@/lib/docker/inspect-image-layers";
import { readFileBelowLayer, readImageFiles, type ImageFile } from "@/lib/docker/read-image-files";
import type { EngineConnection } from "@/lib/docker/types";

// The pristine versions of the archived conffiles (issue 14, the three-way merge): what the package
// shipped, read from the image's own layers below the layer that holds the admin's edit. An edit in
// the container's writable layer -> the image's version (through a created, never started,
// container of the image); an edit made by one of the image's layers -> the version in the layers
// below it (from their folders on this machine; through the engine that is not possible, so none).

/** The most Kura keeps of a pristine version (the merge handles text files up to 1 MiB). */
export const PRISTINE_MAX_BYTES = 1024 * 1024;

export type PristineCandidate = {
  path: string;
  source: "layer" | "image";
  /** For source "image": the index of the layer whose version the container sees. */
  layerIndex?: number;
};

/** The pristine bytes of each candidate path (by source and path) and where they came from, or null with why none was found. */
export type PristineRead = { content: Buffer; why?: string } | { content: null; why: string };

const WHY: Record<Exclude<ImageFile, { content: Buffer }>["why"], string> = {
  absent: "the image's layers below the edit do not hold it",
  "not-a-file": "the image's layers below the edit hold no regular file there",
  "too-large": "the version below the edit is over 1 MiB",
};

export async function readPristineConffiles(
  engine: EngineConnection,
  imageId: string,
  candidates: readonly PristineCandidate[],
  options: { layerAccess: "auto" | "archive-api" },
): Promise<Map<string, PristineRead>> {
  const read = new Map<string, PristineRead>();
  const key = (candidate: PristineCandidate) => `${candidate.source}:${candidate.path}`;
  const toRead = (file: ImageFile, from: string): PristineRead =>
    file.content ? { content: file.content, why: from } : { content: null, why: WHY[file.why] };

  const inLayer = candidates.filter((candidate) => candidate.source === "layer");
  if (inLayer.length) {
    const files = await readImageFiles(
      engine,
      imageId,
      inLayer.map((candidate) => candidate.path),
      { maxBytes: PRISTINE_MAX_BYTES, labels: { "kura.role": "pristine-conffile-probe" } },
    );
    for (const candidate of inLayer)
      read.set(key(candidate), toRead(files.get(candidate.path) ?? { content: null, why: "absent" }, "from the container's image"));
  }

  const inImage = candidates.filter((candidate) => candidate.source === "image");
  if (inImage.length) {
    const dirs = options.layerAccess === "archive-api" ? null : ((await inspectImageLayers(engine, imageId))?.layerDirs ?? null);
    for (const candidate of inImage) {
      if (!dirs || candidate.layerIndex === undefined) {
        const why = "the image's layer folders cannot be read here (remote engine or another storage driver)";
        read.set(key(candidate), { content: null, why });
        continue;
      }
      const below = await readFileBelowLayer(dirs, candidate.layerIndex, candidate.path, PRISTINE_MAX_BYTES);
      read.set(key(candidate), toRead(below, "from the image's layers below the edit"));
    }
  }
  return read;
}
