// GET /api/restores: every restore, newest first
import { listRestores as listRestoresEntry } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { maskRestoreFor } from "@/lib/auth/mask-for-role";
import { listRestores } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route(listRestoresEntry, async ({ caller }) => {
  const restores = await listRestores();
  return restores.map((restore) => maskRestoreFor(caller.user.role, restore));
});
