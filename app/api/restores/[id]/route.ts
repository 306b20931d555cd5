// GET /api/restores/{id}: a restore with its steps, verification, check result and build log (kept secrets masked for viewers)
import { getRestore as getRestoreEntry } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { maskRestoreFor } from "@/lib/auth/mask-for-role";
import { getRestore } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route(getRestoreEntry, async ({ params, caller }) => maskRestoreFor(caller.user.role, await getRestore(params.id)));
