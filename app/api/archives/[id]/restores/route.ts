// GET /api/archives/{id}/restores: this archive's restores. POST: restore it onto a base image (a job)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { archiveParams, startRestoreBody } from "@/lib/api/schemas";
import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { startRestore } from "@/lib/restores/restore-archive";
import { listRestores } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => {
  const { id } = archiveParams.parse(params);
  await getArchiveSummary(id);
  return NextResponse.json(await listRestores({ archiveId: id }));
});

export const POST = route<{ id: string }>(async ({ request, params, actor }) => {
  const { id } = archiveParams.parse(params);
  const body = await readJson(request, startRestoreBody);
  return NextResponse.json(await startRestore(id, { ...body, actor: actor }), { status: 202 });
});
