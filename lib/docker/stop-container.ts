import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

/** docker stop: SIGTERM (the image's stop signal), then SIGKILL after `timeoutSeconds`; a stopped container is fine. */
export async function stopContainer(engine: EngineConnection, containerId: string, timeoutSeconds = 10): Promise<void> {
  try {
    await dockerFor(engine).getContainer(containerId).stop({ t: timeoutSeconds });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 304) return; // already stopped
    throw toAppError(error, { containerRef: containerId });
  }
}

/** docker start of a stopped container; one that is already running is fine. */
export async function startContainer(engine: EngineConnection, containerId: string): Promise<void> {
  try {
    await dockerFor(engine).getContainer(containerId).start();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 304) return; // already started
    throw toAppError(error, { containerRef: containerId });
  }
}
