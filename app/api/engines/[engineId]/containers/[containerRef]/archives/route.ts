// POST /api/engines/{engineId}/containers/{containerRef}/archives: archive the curated selection (a job)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { archiveBody, containerParams } from "@/lib/api/schemas";
import { startArchive } from "@/lib/archives/archive-container";

export const dynamic = "force-dynamic";

export const POST = route<{ engineId: string; containerRef: string }>(async ({ request, params, actor }) => {
  const { engineId, containerRef } = containerParams.parse(params);
  const body = await readJson(request, archiveBody);
  return NextResponse.json(await startArchive({ engineId, containerRef, ...body, actor: actor }), { status: 202 });
});
