// GET /api/engines/{engineId}: one engine with status; DELETE: forget it
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { engineParams } from "@/lib/api/schemas";
import { deleteEngine, getEngine, withStatus } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route<{ engineId: string }>(async ({ params }) => {
  const { engineId } = engineParams.parse(params);
  return NextResponse.json(await withStatus(await getEngine(engineId)));
});

export const DELETE = route<{ engineId: string }>(async ({ params, actor }) => {
  const { engineId } = engineParams.parse(params);
  await deleteEngine(engineId, actor);
  return new NextResponse(null, { status: 204 });
}, { access: "admin" });
