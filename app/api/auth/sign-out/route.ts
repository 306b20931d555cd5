// POST /api/auth/sign-out: end this browser's session
import { signOut } from "@/lib/api/contract/auth";
import { Reply, route } from "@/lib/api/route";
import { recordEvent } from "@/lib/audit/record-event";
import { clearSessionCookie } from "@/lib/auth/session-cookie";
import { deleteSession, SESSION_COOKIE } from "@/lib/auth/session-store";

export const dynamic = "force-dynamic";

export const POST = route(signOut, async ({ request, actor }) => {
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  if (token) await deleteSession(token);
  await recordEvent({ actor, action: "auth.sign-out", target: `user:${actor}` });
  return new Reply({ ok: true as const }, { decorate: (response) => clearSessionCookie(response, request) });
});
