// GET /api/engines/{engineId}/containers/{containerRef}/changes/summary: the changes answer without its entries, from the kept detection
import { summarizeChanges as summarizeChangesEntry } from "@/lib/api/contract/changes";
import { route } from "@/lib/api/route";
import { loadChangeTree } from "@/lib/changes/tree/keep-detection";
import { summarizeChanges } from "@/lib/changes/tree/summarize-changes";

export const dynamic = "force-dynamic";

export const GET = route(summarizeChangesEntry, async ({ params, query, caller }) => {
  const kept = await loadChangeTree({
    engineId: params.engineId,
    containerRef: params.containerRef,
    options: {
      ruleSetId: query.ruleSet,
      since: query.since,
      sinceMarker: query.sinceMarker,
      packageChecks: query.packageChecks !== "false",
    },
    caller: caller.user.name,
    fresh: query.fresh === "true",
    // A detection small enough to come whole is read anew on each visit, as GET .../changes does.
    freshIfAtMost: query.includeEntriesUpTo,
  });
  return summarizeChanges({ ...kept, includeEntriesUpTo: query.includeEntriesUpTo });
});
