// POST /api/auth/sign-out: end this browser's session
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { recordEvent } from "@/lib/audit/record-event";
import { clearSessionCookie } from "@/lib/auth/session-cookie";
import { deleteSession, SESSION_COOKIE } from "@/lib/auth/session-store";

export const dynamic = "force-dynamic";

export const POST = route(async ({ request, actor }) => {
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  if (token) await deleteSession(token);
  await recordEvent({ actor, action: "auth.sign-out", target: `user:${actor}` });
  const response = NextResponse.json({ ok: true });
  clearSessionCookie(response, request);
  return response;
}, { access: "viewer" });
