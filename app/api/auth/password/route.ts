// PUT /api/auth/password: change your own password (signed in with a session; the current password is asked)
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/app-error";
import { readJson, route } from "@/lib/api/route";
import { changePasswordBody } from "@/lib/api/schemas";
import { SESSION_COOKIE } from "@/lib/auth/session-store";
import { changeOwnPassword } from "@/lib/auth/user-store";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export const PUT = route(async ({ request, caller }) => {
  const body = await readJson(request, changePasswordBody);
  // An API token cannot change the password that would let its holder lock the owner out.
  if (caller?.via !== "session") throw new AppError(403, "session_required", "Sign in with your name and password to change your password; an API token cannot.");
  const user = await db.user.findUniqueOrThrow({ where: { name: caller.user.name } });
  await changeOwnPassword(user.id, body, (request as NextRequest).cookies.get(SESSION_COOKIE)?.value ?? null);
  return NextResponse.json({ changed: true });
}, { access: "viewer" });
