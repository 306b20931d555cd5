import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

/** Freeze every process of a running container (docker pause): its files stop changing until unpauseContainer. */
export async function pauseContainer(engine: EngineConnection, containerId: string): Promise<void> {
  try {
    await dockerFor(engine).getContainer(containerId).pause();
  } catch (error) {
    throw toAppError(error, { containerRef: containerId });
  }
}

/** Thaw a paused container (docker unpause); one that is not paused (any more) is fine. */
export async function unpauseContainer(engine: EngineConnection, containerId: string): Promise<void> {
  try {
    await dockerFor(engine).getContainer(containerId).unpause();
  } catch (error) {
    const failure = error as { statusCode?: number; message?: string; json?: { message?: string } | null };
    if (failure.statusCode === 409 && /not paused/i.test(failure.json?.message ?? failure.message ?? "")) return;
    throw toAppError(error, { containerRef: containerId });
  }
}
