// POST /api/auth/sign-in: name and password -> a session cookie (open route; JSON only, and never from another site)
import { AppError } from "@/lib/api/app-error";
import { signIn } from "@/lib/api/contract/auth";
import { Reply, route } from "@/lib/api/route";
import { recordEvent } from "@/lib/audit/record-event";
import { setSessionCookie } from "@/lib/auth/session-cookie";
import { createSession } from "@/lib/auth/session-store";
import { takeSignInSlot } from "@/lib/auth/sign-in-slot";
import { checkCredentials } from "@/lib/auth/user-store";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export const POST = route(signIn, async ({ request, body }) => {
  const { name, password } = body;
  const slot = await takeSignInSlot(name); // counted before the slow check, so parallel guesses cannot all get through
  if (slot.wait > 0) throw new AppError(429, "too_many_attempts", `Too many failed sign-ins for "${name}"; try again in ${slot.wait} s.`);
  const user = await checkCredentials(name, password).catch(async (error: unknown) => {
    await slot.release();
    throw error;
  });
  if (!user) {
    await slot.failed();
    await recordEvent({
      actor: name,
      action: "auth.sign-in",
      target: `user:${name}`,
      result: "failed",
      detail: { reason: "wrong name or password, or disabled" },
    });
    throw new AppError(401, "sign_in_failed", "Wrong name or password.");
  }
  await slot.succeeded();
  const session = await createSession((await db.user.findUniqueOrThrow({ where: { name: user.name } })).id);
  await recordEvent({ actor: user.name, action: "auth.sign-in", target: `user:${user.name}` });
  return new Reply({ user }, { decorate: (response) => setSessionCookie(response, request, session.token, session.expiresAt) });
});
