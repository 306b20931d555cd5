// POST /api/archives/{id}/merge-conflicts: a restore plan's configuration merge conflicts, with the three versions
import { listMergeConflicts as listMergeConflictsEntry } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { maskMergeConflictsFor } from "@/lib/auth/mask-for-role";
import { listMergeConflicts } from "@/lib/restores/list-merge-conflicts";

export const dynamic = "force-dynamic";

export const POST = route(listMergeConflictsEntry, async ({ params, body, caller }) =>
  maskMergeConflictsFor(caller.user.role, await listMergeConflicts(params.id, body)),
);
