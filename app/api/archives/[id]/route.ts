// GET /api/archives/{id}: the summary and, once complete, the manifest. DELETE: remove it and free its unshared content
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { archiveParams } from "@/lib/api/schemas";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { deleteArchive } from "@/lib/archives/delete-archive";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => {
  const { id } = archiveParams.parse(params);
  const [summary, manifest] = await Promise.all([getArchiveSummary(id), readManifest(id)]);
  return NextResponse.json({ ...summary, manifest });
});

export const DELETE = route<{ id: string }>(async ({ params, actor }) => {
  const { id } = archiveParams.parse(params);
  return NextResponse.json(await deleteArchive(id, actor));
}, { access: "admin" });
