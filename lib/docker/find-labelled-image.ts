import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import type { EngineConnection } from "./types";

/** The newest image on the engine with label `key=value` (its id), or null when there is none. */
export async function findLabelledImage(engine: EngineConnection, key: string, value: string): Promise<string | null> {
  try {
    const images = await withTimeout(
      dockerFor(engine).listImages({ filters: JSON.stringify({ label: [`${key}=${value}`] }) }),
      env.KURA_ENGINE_TIMEOUT_MS,
    );
    return [...images].sort((a, b) => b.Created - a.Created)[0]?.Id ?? null;
  } catch (error) {
    throw toAppError(error);
  }
}
