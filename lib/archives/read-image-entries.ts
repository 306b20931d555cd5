import path from "node:path";
import type { DetectedChanges } from "@/lib/changes/detect-container-changes";
import { inspectImageLayers } from "@/lib/docker/inspect-image-layers";
import { readLayerFiles, type LayerFileContent, type ReadLayerOptions } from "@/lib/docker/read-layer-files";
import type { ContainerInspection, EngineConnection } from "@/lib/docker/types";
import type { ArchiveHeader } from "@/lib/docker/walk-archive";

// The archive's reading of entries from the image's own layers (source "image"): each from the
// folder of the layer whose version the container sees (confined, like the writable layer's), and
// what cannot be read there through the container's archive API (the merged view shows the same
// version, since the container did not change those paths).

type Selected = DetectedChanges["entries"][number];

export type ReadImageEntriesOptions = {
  layerAccess: "auto" | "archive-api";
  read: ReadLayerOptions;
  onEntry: (header: ArchiveHeader, content: LayerFileContent) => Promise<void>;
};

/**
 * Reads the selected image entries that need content or a header (files and links; folders keep the metadata detection
 * read) and resolves with the paths left for the caller to stream through the archive API.
 */
export async function readImageEntries(
  engine: EngineConnection,
  container: ContainerInspection,
  selected: Selected[],
  options: ReadImageEntriesOptions,
): Promise<{ path: string; source: "image" }[]> {
  const wanted = selected.filter((entry) => entry.source === "image" && entry.kind !== "deleted" && entry.type !== "dir");
  if (!wanted.length) return [];
  const dirs = options.layerAccess === "archive-api" ? null : ((await inspectImageLayers(engine, container.imageId))?.layerDirs ?? null);
  const left: string[] = [];
  if (!dirs) left.push(...wanted.map((entry) => entry.path));
  else {
    const byLayer = new Map<number, string[]>();
    for (const entry of wanted) {
      const index = entry.imageLayer?.index;
      if (index === undefined || !dirs[index]) left.push(entry.path);
      else byLayer.set(index, [...(byLayer.get(index) ?? []), entry.path]);
    }
    for (const [index, paths] of byLayer) left.push(...(await readLayerFiles(dirs[index]!, paths, options.read, options.onEntry)));
  }
  // Through the archive API, one request per topmost path (a folder's tar carries what is below it).
  const leftSet = new Set(left);
  return left
    .filter((file) => {
      for (let parent = path.posix.dirname(file); parent !== "/"; parent = path.posix.dirname(parent))
        if (leftSet.has(parent)) return false;
      return true;
    })
    .map((file) => ({ path: file, source: "image" as const }));
}
