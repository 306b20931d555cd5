// POST /api/auth/setup: create the first admin with the one-time setup token printed at start (open route; only while Kura has no users)
import { completeSetup as completeSetupEntry } from "@/lib/api/contract/auth";
import { Reply, route } from "@/lib/api/route";
import { completeSetup } from "@/lib/auth/first-admin";
import { setSessionCookie } from "@/lib/auth/session-cookie";
import { createSession } from "@/lib/auth/session-store";

export const dynamic = "force-dynamic";

export const POST = route(completeSetupEntry, async ({ request, body }) => {
  const user = await completeSetup(body);
  const session = await createSession(user.id);
  return new Reply({ user }, { decorate: (response) => setSessionCookie(response, request, session.token, session.expiresAt) });
});
