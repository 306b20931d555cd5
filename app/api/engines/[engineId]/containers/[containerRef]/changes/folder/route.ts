// GET /api/engines/{engineId}/containers/{containerRef}/changes/folder: one page of a folder's children with counts and check states
import { AppError } from "@/lib/api/app-error";
import { listChangeFolder } from "@/lib/api/contract/changes";
import { route } from "@/lib/api/route";
import { loadChangeTree, matchesFor } from "@/lib/changes/tree/keep-detection";
import { listFolder } from "@/lib/changes/tree/list-folder";
import { isFilterActive, type TreeFilter } from "@/lib/changes/tree/tree-model";
import { detectOptionsFromQuery } from "@/lib/changes/detect-container-changes";

export const dynamic = "force-dynamic";

export const GET = route(listChangeFolder, async ({ params, query, caller }) => {
  const kept = await loadChangeTree({
    engineId: params.engineId,
    containerRef: params.containerRef,
    options: detectOptionsFromQuery(query),
    caller: caller.user.name,
  });
  const filter: TreeFilter = {
    categories: new Set(query.category),
    sources: new Set(query.source),
    kinds: new Set(query.kind),
    imageLayers: new Set(query.imageLayer),
    search: query.search,
  };
  const counted = isFilterActive(filter) ? matchesFor(kept, filter) : null;
  const page = listFolder({ ...kept, path: query.path, offset: query.offset, limit: query.limit, matches: counted?.matches ?? null });
  if (!page) throw new AppError(404, "folder_not_found", `${query.path} is not a folder among this container's changes.`);
  return { ...page, matchingEntries: counted?.matchingEntries ?? kept.tree.entries.length };
});
