import type { NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/env";
import { SESSION_COOKIE } from "./session-store";

// The session cookie: httpOnly (scripts cannot read it), SameSite=Lax (not sent on other sites'
// requests), Secure when Kura is reached over https (KURA_COOKIE_SECURE=true forces it).

function secure(request: NextRequest): boolean {
  if (env.KURA_COOKIE_SECURE !== "auto") return env.KURA_COOKIE_SECURE === "true";
  return request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export function setSessionCookie(response: NextResponse, request: NextRequest, token: string, expiresAt: Date): void {
  response.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure: secure(request), path: "/", expires: expiresAt });
}

export function clearSessionCookie(response: NextResponse, request: NextRequest): void {
  response.cookies.set(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure: secure(request), path: "/", maxAge: 0 });
}
