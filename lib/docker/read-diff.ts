import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import type { EngineConnection } from "./types";

export type DiffEntry = { path: string; kind: "added" | "modified" | "deleted" };

const KINDS = ["modified", "added", "deleted"] as const;

/** The engine's list of paths changed in the container's writable layer (`docker diff`). */
export async function readDiff(engine: EngineConnection, containerId: string): Promise<DiffEntry[]> {
  try {
    // An unchanged container: the engine answers `null`, which may reach us as null or as an empty body, not a list.
    const answer: unknown = await dockerFor(engine).getContainer(containerId).changes();
    const changes = (Array.isArray(answer) ? answer : []) as { Path: string; Kind: number }[];
    return changes.map((change) => ({ path: change.Path, kind: KINDS[change.Kind] ?? "modified" }));
  } catch (error) {
    throw toAppError(error, { containerRef: containerId });
  }
}
