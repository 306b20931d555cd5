// DELETE /api/tokens/{id}: revoke one of your API tokens
import { revokeToken as revokeEntry } from "@/lib/api/contract/tokens";
import { route } from "@/lib/api/route";
import { revokeToken } from "@/lib/auth/token-store";

export const dynamic = "force-dynamic";

export const DELETE = route(revokeEntry, async ({ params, caller }) => revokeToken(caller.user, params.id));
