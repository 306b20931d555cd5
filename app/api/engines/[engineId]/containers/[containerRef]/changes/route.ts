// GET /api/engines/{engineId}/containers/{containerRef}/changes: every changed path, classified and selected (identical concurrent requests share one detection)
import { listChanges } from "@/lib/api/contract/changes";
import { route } from "@/lib/api/route";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";
import { detectOptionsFromQuery } from "@/lib/changes/detect-container-changes";

export const dynamic = "force-dynamic";

export const GET = route(listChanges, async ({ params, query, caller }) => {
  const { engineId, containerRef } = params;
  return detectContainerChangesShared(engineId, containerRef, detectOptionsFromQuery(query), caller.user.name);
});
