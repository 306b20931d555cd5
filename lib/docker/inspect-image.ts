import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { withTimeout } from "./docker-error";
import type { EngineConnection } from "./types";

export type ImageFacts = {
  id: string;
  size: number;
  digest: string | null;
  tags: string[];
  /** The image's ONBUILD instructions, which a build FROM it runs first (they may read the build context). */
  onBuild: string[];
};

/** Size and digest of an image; null when the engine no longer has it. */
export async function inspectImage(engine: EngineConnection, imageRef: string): Promise<ImageFacts | null> {
  try {
    const image = await withTimeout(dockerFor(engine).getImage(imageRef).inspect(), env.KURA_ENGINE_TIMEOUT_MS);
    return {
      id: image.Id,
      size: image.Size,
      digest: image.RepoDigests?.[0] ?? null,
      tags: image.RepoTags ?? [],
      onBuild: image.Config?.OnBuild ?? [],
    };
  } catch {
    return null;
  }
}
