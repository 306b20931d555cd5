import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import type { EngineConnection } from "./types";

/** The images on the engine with label `key=value` (id and labels), newest first. */
export async function listLabelledImages(
  engine: EngineConnection,
  key: string,
  value: string,
): Promise<{ id: string; labels: Record<string, string> }[]> {
  try {
    const images = await withTimeout(
      dockerFor(engine).listImages({ filters: JSON.stringify({ label: [`${key}=${value}`] }) }),
      env.KURA_ENGINE_TIMEOUT_MS,
    );
    return [...images].sort((a, b) => b.Created - a.Created).map((image) => ({ id: image.Id, labels: image.Labels ?? {} }));
  } catch (error) {
    throw toAppError(error);
  }
}

/** The newest image on the engine with label `key=value` (its id), or null when there is none. */
export async function findLabelledImage(engine: EngineConnection, key: string, value: string): Promise<string | null> {
  return (await listLabelledImages(engine, key, value))[0]?.id ?? null;
}
