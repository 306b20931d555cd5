import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { hashSecret, newSecret } from "./hash-secret";
import { createUser, type UserView } from "./user-store";
import { processSingleton } from "@/lib/process-singleton";

// The first admin never comes from a default password. At start, with no users yet: when
// KURA_ADMIN_PASSWORD is set, the admin (KURA_ADMIN_NAME, default "admin") is created with it;
// otherwise a one-time setup token is printed, and /setup?token=… creates the first admin. Until
// then every route but health, sign-in and setup answers 401.

const state = processSingleton("first-admin", (): { tokenHash: string | null } => ({ tokenHash: null }));

export async function ensureFirstAdmin(log: (line: string) => void = console.warn): Promise<"exists" | "created" | "setup-token"> {
  if ((await db.user.count()) > 0) return "exists";
  if (env.KURA_ADMIN_PASSWORD) {
    try {
      await createUser({ name: env.KURA_ADMIN_NAME, password: env.KURA_ADMIN_PASSWORD, role: "admin" }, "kura (KURA_ADMIN_PASSWORD)");
    } catch (error) {
      // Another dashboard on the same database (issue 16) created it first.
      if ((await db.user.count()) > 0) return "exists";
      throw error;
    }
    log(`[kura] created the first admin "${env.KURA_ADMIN_NAME}" from KURA_ADMIN_PASSWORD.`);
    return "created";
  }
  const token = newSecret();
  state.tokenHash = hashSecret(token);
  log(`[kura] No users yet. Create the first admin at /setup?token=${token} (this token works once, until the next start).`);
  return "setup-token";
}

export function setupPending(): boolean {
  return state.tokenHash !== null;
}

export async function completeSetup(input: { token: string; name: string; password: string }): Promise<UserView> {
  const expected = state.tokenHash;
  const given = Buffer.from(hashSecret(input.token));
  if (!expected || !timingSafeEqual(Buffer.from(expected), given)) {
    await recordEvent({
      actor: input.name,
      action: "setup.first-admin",
      target: "kura",
      result: "failed",
      detail: { reason: "wrong or used setup token" },
    });
    throw new AppError(
      403,
      "setup_token_invalid",
      "That setup token is wrong or was already used. Restart Kura to print a new one (only while it has no users).",
    );
  }
  if ((await db.user.count()) > 0) throw new AppError(409, "setup_done", "Kura already has users; sign in instead.");
  state.tokenHash = null;
  return createUser({ name: input.name, password: input.password, role: "admin" }, `${input.name} (setup token)`);
}
