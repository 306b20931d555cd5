import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

export type DiffEntry = { path: string; kind: "added" | "modified" | "deleted" };

const KINDS = ["modified", "added", "deleted"] as const;

/** The engine's list of paths changed in the container's writable layer (`docker diff`). */
export async function readDiff(engine: EngineConnection, containerId: string): Promise<DiffEntry[]> {
  try {
    const changes = ((await dockerFor(engine).getContainer(containerId).changes()) ?? []) as { Path: string; Kind: number }[];
    return changes.map((change) => ({ path: change.Path, kind: KINDS[change.Kind] ?? "modified" }));
  } catch (error) {
    throw toAppError(error, { containerRef: containerId });
  }
}
