// POST /api/archives/{id}/restore-plan: the Dockerfile, restore script, packages, migration rules and warnings for a base image
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { archiveParams, restorePlanBody } from "@/lib/api/schemas";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async ({ request, params }) => {
  const { id } = archiveParams.parse(params);
  const body = await readJson(request, restorePlanBody);
  return NextResponse.json((await makeRestorePlan(id, body)).view);
}, { access: "viewer" });
