import { listContainers } from "@/lib/docker/list-containers";
import type { ContainerSummary } from "@/lib/docker/types";
import { getEngine, listEngines, type Engine } from "@/lib/engines/engine-registry";

export type ContainerFilter = { engine?: string; state?: "running" | "stopped" | ContainerSummary["state"]; q?: string };

export type ContainerRow = Omit<ContainerSummary, "labels"> & { engineName: string };

export type ContainerListing = { containers: ContainerRow[]; unreachable: { engineId: string; engineName: string; error: string }[] };

function matches(row: ContainerSummary, filter: ContainerFilter): boolean {
  if (filter.state === "stopped" && row.state === "running") return false;
  if (filter.state && filter.state !== "stopped" && row.state !== filter.state) return false;
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    if (!row.name.toLowerCase().includes(needle) && !row.image.toLowerCase().includes(needle) && !row.id.startsWith(needle)) return false;
  }
  return true;
}

/** Containers of every engine (or one), with the engines that could not be reached. */
export async function listAllContainers(filter: ContainerFilter): Promise<ContainerListing> {
  const engines: Engine[] = filter.engine ? [await getEngine(filter.engine)] : await listEngines();
  const results = await Promise.allSettled(engines.map((engine) => listContainers(engine)));
  const listing: ContainerListing = { containers: [], unreachable: [] };
  results.forEach((result, index) => {
    const engine = engines[index]!;
    if (result.status === "rejected") {
      listing.unreachable.push({
        engineId: engine.id,
        engineName: engine.name,
        error: result.reason instanceof Error ? result.reason.message : String(result.reason),
      });
      return;
    }
    for (const row of result.value) {
      if (!matches(row, filter)) continue;
      const { labels: _labels, ...rest } = row;
      listing.containers.push({ ...rest, engineName: engine.name });
    }
  });
  listing.containers.sort((a, b) => a.engineName.localeCompare(b.engineName) || a.name.localeCompare(b.name));
  return listing;
}
