// GET /api/engines/{engineId}/containers/{containerRef}: config, mounts, OS, package manager
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { containerParams } from "@/lib/api/schemas";
import { getContainerDetail } from "@/lib/containers/get-container-detail";

export const dynamic = "force-dynamic";

export const GET = route<{ engineId: string; containerRef: string }>(async ({ params }) => {
  const { engineId, containerRef } = containerParams.parse(params);
  return NextResponse.json(await getContainerDetail(engineId, containerRef));
});
