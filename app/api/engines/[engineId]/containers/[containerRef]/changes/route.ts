// GET /api/engines/{engineId}/containers/{containerRef}/changes: every changed path, classified and selected (identical concurrent requests share one detection)
import { listChanges } from "@/lib/api/contract/changes";
import { route } from "@/lib/api/route";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";

export const dynamic = "force-dynamic";

export const GET = route(listChanges, async ({ params, query, caller }) => {
  const { engineId, containerRef } = params;
  return detectContainerChangesShared(
    engineId,
    containerRef,
    {
      ruleSetId: query.ruleSet,
      since: query.since,
      sinceMarker: query.sinceMarker,
      packageChecks: query.packageChecks !== "false",
    },
    caller.user.name,
  );
});
