// GET /api/engines/{engineId}/images: the engine's tagged images (base images to restore onto)
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { engineParams } from "@/lib/api/schemas";
import { listImages } from "@/lib/docker/list-images";
import { getEngine } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route<{ engineId: string }>(async ({ params }) => {
  const { engineId } = engineParams.parse(params);
  return NextResponse.json(await listImages(await getEngine(engineId)));
});
