// GET /api/engines/{engineId}/containers/{containerRef}/changes: every changed path, classified and selected (identical concurrent requests share one detection)
import { NextResponse } from "next/server";
import { readQuery, route } from "@/lib/api/route";
import { changesQuery, containerParams } from "@/lib/api/schemas";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";

export const dynamic = "force-dynamic";

export const GET = route<{ engineId: string; containerRef: string }>(async ({ request, params, caller }) => {
  const { engineId, containerRef } = containerParams.parse(params);
  const query = readQuery(request, changesQuery);
  const detected = await detectContainerChangesShared(engineId, containerRef, {
    ruleSetId: query.ruleSet,
    since: query.since,
    sinceMarker: query.sinceMarker,
    packageChecks: query.packageChecks !== "false",
  }, caller?.user.name ?? null);
  return NextResponse.json(detected);
});
