// GET /api/tokens: your API tokens. POST: create one (its value is shown once)
import { createToken as createEntry, listTokens as listEntry } from "@/lib/api/contract/tokens";
import { route } from "@/lib/api/route";
import { createToken, listTokens } from "@/lib/auth/token-store";

export const dynamic = "force-dynamic";

export const GET = route(listEntry, async ({ caller }) => listTokens(caller.user.id));

export const POST = route(createEntry, async ({ body, caller }) => createToken(caller.user, body.name));
