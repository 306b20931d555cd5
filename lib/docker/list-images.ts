import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import type { EngineConnection } from "./types";
import { env } from "@/lib/env";

export type ImageSummary = { id: string; tags: string[]; size: number; createdAt: string };

/** The engine's tagged images (untagged ones cannot be named as a base). */
export async function listImages(engine: EngineConnection): Promise<ImageSummary[]> {
  try {
    const images = await withTimeout(dockerFor(engine).listImages(), env.KURA_ENGINE_TIMEOUT_MS);
    return images
      .map((image) => ({
        id: image.Id,
        tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
        size: image.Size,
        createdAt: new Date(image.Created * 1000).toISOString(),
      }))
      .filter((image) => image.tags.length > 0);
  } catch (error) {
    throw toAppError(error);
  }
}
