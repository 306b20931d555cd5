import { env } from "@/lib/env";
import { dockerFor } from "./client";
import { toAppError, withTimeout } from "./docker-error";
import type { ContainerState, ContainerSummary, EngineConnection } from "./types";

export async function listContainers(engine: EngineConnection & { name?: string }): Promise<ContainerSummary[]> {
  try {
    const rows = await withTimeout(dockerFor(engine).listContainers({ all: true }), env.KURA_ENGINE_TIMEOUT_MS);
    return rows.map((row) => ({
      engineId: engine.id,
      id: row.Id,
      name: (row.Names[0] ?? row.Id.slice(0, 12)).replace(/^\//, ""),
      image: row.Image,
      imageId: row.ImageID,
      state: row.State as ContainerState,
      status: row.Status,
      createdAt: new Date(row.Created * 1000).toISOString(),
      labels: row.Labels ?? {},
    }));
  } catch (error) {
    throw toAppError(error, { engineName: engine.name });
  }
}
