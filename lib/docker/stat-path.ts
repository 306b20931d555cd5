import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection, PathStat } from "./types";

/** HEAD /containers/{id}/archive: a path's stat without its content; null when missing. */
export async function statPath(engine: EngineConnection, containerId: string, containerPath: string): Promise<PathStat | null> {
  try {
    const info = (await dockerFor(engine).getContainer(containerId).infoArchive({ path: containerPath })) as unknown as Record<string, string | undefined>;
    const header = info["x-docker-container-path-stat"];
    if (!header) return null;
    const stat = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { name: string; size: number; mode: number; mtime: string; linkTarget: string };
    return { name: stat.name, size: stat.size, mode: stat.mode, mtime: new Date(stat.mtime).toISOString(), linkTarget: stat.linkTarget };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw toAppError(error, { containerRef: containerId });
  }
}
