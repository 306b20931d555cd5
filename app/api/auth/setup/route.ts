// POST /api/auth/setup: create the first admin with the one-time setup token printed at start (open route; only while Kura has no users)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { setupBody } from "@/lib/api/schemas";
import { completeSetup } from "@/lib/auth/first-admin";
import { setSessionCookie } from "@/lib/auth/session-cookie";
import { createSession } from "@/lib/auth/session-store";

export const dynamic = "force-dynamic";

export const POST = route(async ({ request }) => {
  const user = await completeSetup(await readJson(request, setupBody));
  const session = await createSession(user.id);
  const response = NextResponse.json({ user }, { status: 201 });
  setSessionCookie(response, request, session.token, session.expiresAt);
  return response;
}, { access: "public" });
