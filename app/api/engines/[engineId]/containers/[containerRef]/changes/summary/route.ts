// GET /api/engines/{engineId}/containers/{containerRef}/changes/summary: the changes answer without its entries, from the kept detection
import { summarizeChanges as summarizeChangesEntry } from "@/lib/api/contract/changes";
import { Reply, route } from "@/lib/api/route";
import { loadChangeTree } from "@/lib/changes/tree/keep-detection";
import { summarizeChanges } from "@/lib/changes/tree/summarize-changes";
import { detectOptionsFromQuery } from "@/lib/changes/detect-container-changes";

export const dynamic = "force-dynamic";

export const GET = route(summarizeChangesEntry, async ({ params, query, caller }) => {
  const start = performance.now();
  const kept = await loadChangeTree({
    engineId: params.engineId,
    containerRef: params.containerRef,
    options: detectOptionsFromQuery(query),
    caller: caller.user.name,
    fresh: query.fresh === "true",
    // A detection small enough to come whole is read anew on each visit, as GET .../changes does.
    freshIfAtMost: query.includeEntriesUpTo,
  });
  const loaded = performance.now();
  const summary = summarizeChanges({ ...kept, includeEntriesUpTo: query.includeEntriesUpTo });
  // How long the kept tree took to load (a detection when there was none) and to summarise.
  const timing = `load;dur=${(loaded - start).toFixed(1)}, summarize;dur=${(performance.now() - loaded).toFixed(1)}`;
  return new Reply(summary, { headers: { "server-timing": timing } });
});
