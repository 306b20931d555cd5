// GET /api/archives/{id}/restores: this archive's restores. POST: restore it onto a base image (a job)
import { listArchiveRestores, startRestore as startRestoreEntry } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { maskRestoreFor } from "@/lib/auth/mask-for-role";
import { startRestore } from "@/lib/restores/restore-archive";
import { listRestores } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route(listArchiveRestores, async ({ params, caller }) => {
  await getArchiveSummary(params.id);
  return (await listRestores({ archiveId: params.id })).map((restore) => maskRestoreFor(caller.user.role, restore));
});

export const POST = route(startRestoreEntry, async ({ params, body, actor }) => startRestore(params.id, { ...body, actor }));
