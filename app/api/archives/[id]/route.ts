// GET /api/archives/{id}: the summary and, once complete, the manifest (kept secrets masked for viewers).
// DELETE: remove it and free its unshared content
import { deleteArchive as deleteArchiveEntry, getArchive } from "@/lib/api/contract/archives";
import { route } from "@/lib/api/route";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { deleteArchive } from "@/lib/archives/delete-archive";
import { maskManifestFor } from "@/lib/auth/mask-for-role";

export const dynamic = "force-dynamic";

export const GET = route(getArchive, async ({ params, caller }) => {
  const [summary, manifest] = await Promise.all([getArchiveSummary(params.id), readManifest(params.id)]);
  return { ...summary, manifest: manifest && maskManifestFor(caller.user.role, manifest) };
});

export const DELETE = route(deleteArchiveEntry, async ({ params, actor }) => deleteArchive(params.id, actor));
