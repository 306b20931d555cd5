import { db } from "@/lib/db";
import { hashSecret, newSecret } from "./hash-secret";
import { toUserView, type UserView } from "./user-store";

// Browser sessions: the cookie carries a random id, the database its SHA-256. Sessions last
// SESSION_DAYS and are dropped at sign-out, password change or when the user is disabled.

export const SESSION_COOKIE = "kura_session";
export const SESSION_DAYS = 7;

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await db.session.create({ data: { id: hashSecret(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function findSessionUser(token: string): Promise<UserView | null> {
  if (!token || token.length > 200) return null;
  const session = await db.session.findUnique({ where: { id: hashSecret(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabled) return null;
  return toUserView(session.user);
}

export async function deleteSession(token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashSecret(token) } });
}
