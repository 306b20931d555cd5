// PUT /api/auth/password: change your own password (signed in with a session; the current password is asked)
import { AppError } from "@/lib/api/app-error";
import { changePassword } from "@/lib/api/contract/auth";
import { route } from "@/lib/api/route";
import { SESSION_COOKIE } from "@/lib/auth/session-store";
import { changeOwnPassword } from "@/lib/auth/user-store";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export const PUT = route(changePassword, async ({ request, body, caller }) => {
  // An API token cannot change the password that would let its holder lock the owner out.
  if (caller.via !== "session")
    throw new AppError(403, "session_required", "Sign in with your name and password to change your password; an API token cannot.");
  const user = await db.user.findUniqueOrThrow({ where: { name: caller.user.name } });
  await changeOwnPassword(user.id, body, request.cookies.get(SESSION_COOKIE)?.value ?? null);
  return { changed: true as const };
});
