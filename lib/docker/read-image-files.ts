import path from "node:path";
import { ConfinedOpenError, openConfined } from "./open-confined.mjs";
import { openArchive } from "./open-archive";
import { readFirstEntry } from "./read-container-file";
import { createContainer, removeContainer } from "./run-container";
import type { EngineConnection } from "./types";

// Regular files as an image holds them, for the configuration merge (issue 14): the pristine
// version of an edited conffile (the image's own, under a container's edit) and the new defaults
// of a restore's packages stage. Read through a created, never started, container without network
// (removed in finally), through the engine's archive API; or from one image layer's folder below
// another, through the confined open. Only regular files, within a size limit: anything else (a
// symlink, a folder, a device) is refused, never followed.

/** A file read from an image: its bytes, or why not (absent, not a regular file, over the limit). */
export type ImageFile = { content: Buffer } | { content: null; why: "absent" | "not-a-file" | "too-large" };

/** Runs `work` with a created (never started, no network) container of `image`, removed afterwards whatever happens. */
export async function withImageContainer<T>(
  engine: EngineConnection,
  image: string,
  labels: Record<string, string>,
  work: (containerId: string) => Promise<T>,
): Promise<T> {
  const { id } = await createContainer(engine, { image, labels });
  try {
    return await work(id);
  } finally {
    await removeContainer(engine, id).catch(() => undefined);
  }
}

/** One path of a (created) container as a regular file, never following a symlink. */
export async function readRegularFile(
  engine: EngineConnection,
  containerId: string,
  filePath: string,
  maxBytes: number,
): Promise<ImageFile> {
  const stream = await openArchive(engine, containerId, filePath);
  if (!stream) return { content: null, why: "absent" };
  const entry = await readFirstEntry(stream, maxBytes);
  if (!entry) return { content: null, why: "absent" };
  if ("tooLarge" in entry) return { content: null, why: "too-large" };
  if (entry.type !== "file" || !entry.content) return { content: null, why: "not-a-file" };
  return { content: entry.content };
}

/** Several paths of an image, through one created container. */
export async function readImageFiles(
  engine: EngineConnection,
  image: string,
  paths: readonly string[],
  options: { maxBytes: number; labels?: Record<string, string> },
): Promise<Map<string, ImageFile>> {
  const read = new Map<string, ImageFile>();
  if (!paths.length) return read;
  return withImageContainer(engine, image, options.labels ?? { "kura.role": "image-file-probe" }, async (containerId) => {
    for (const filePath of paths) read.set(filePath, await readRegularFile(engine, containerId, filePath, options.maxBytes));
    return read;
  });
}

/**
 * `filePath` as the layers below layer `above` hold it (layer folders lowest first, overlay2 diff folders): the
 * topmost of them that has it. A whiteout (the path deleted by a layer) or anything else that is not a regular
 * file ends the search. Opaque folders are not looked at (a layer that replaced a whole folder is rare under /etc).
 */
export async function readFileBelowLayer(
  layerDirs: readonly string[],
  above: number,
  filePath: string,
  maxBytes: number,
): Promise<ImageFile> {
  if (!filePath.startsWith("/") || filePath.split("/").some((part) => part === "..")) return { content: null, why: "absent" };
  for (let index = Math.min(above, layerDirs.length) - 1; index >= 0; index--) {
    const dir = layerDirs[index]!;
    try {
      const { handle, stats } = await openConfined(path.join(dir, filePath), { maxBytes });
      try {
        const bytes = Buffer.alloc(stats.size);
        let filled = 0;
        while (filled < bytes.length) {
          const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return { content: bytes.subarray(0, filled) };
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (!(error instanceof ConfinedOpenError)) throw error;
      if (error.reason === "missing") continue;
      return { content: null, why: error.reason === "too-large" ? "too-large" : "not-a-file" };
    }
  }
  return { content: null, why: "absent" };
}
