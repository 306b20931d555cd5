// GET /api/engines: engines with reachability; POST /api/engines: register one
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { addEngineBody } from "@/lib/api/schemas";
import { addEngine, listEngineViews } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listEngineViews()));

export const POST = route(async ({ request, actor }) => {
  const body = await readJson(request, addEngineBody);
  return NextResponse.json(await addEngine(body, actor), { status: 201 });
}, { access: "admin" });
