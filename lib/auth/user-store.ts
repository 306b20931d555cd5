import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { hashPassword, hashSecret, verifyPassword } from "./hash-secret";
import { MIN_PASSWORD_LENGTH } from "./password-rules";
import { isRole, type Role } from "./roles";

export type UserView = { id: string; name: string; role: Role; disabled: boolean; createdAt: string };

type Row = { id: string; name: string; role: string; disabled: boolean; createdAt: Date };

export function toUserView(row: Row): UserView {
  return {
    id: row.id,
    name: row.name,
    role: isRole(row.role) ? row.role : "viewer",
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
  };
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AppError(422, "weak_password", `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
}

export async function countUsers(): Promise<number> {
  return db.user.count();
}

export async function listUsers(): Promise<UserView[]> {
  return (await db.user.findMany({ orderBy: { name: "asc" } })).map(toUserView);
}

export async function createUser(input: { name: string; password: string; role: Role }, actor: string): Promise<UserView> {
  checkPassword(input.password);
  if (await db.user.findUnique({ where: { name: input.name } }))
    throw conflict("user_name_taken", `A user named "${input.name}" already exists.`);
  const row = await db.user.create({ data: { name: input.name, role: input.role, passwordHash: await hashPassword(input.password) } });
  await recordEvent({ actor, action: "user.create", target: `user:${row.name}`, detail: { role: row.role } });
  return toUserView(row);
}

/**
 * Change a user's role, password or disabled flag. Disabling signs them out (tokens stop working while disabled);
 * a password reset signs them out and revokes their API tokens: whoever knew the old password may have made one.
 */
export async function updateUser(
  id: string,
  input: { role?: Role; password?: string; disabled?: boolean },
  actor: string,
): Promise<UserView> {
  const existing = await db.user.findUnique({ where: { id } });
  if (!existing) throw notFound("user_not_found", `No user with id "${id}".`);
  if (input.password !== undefined) checkPassword(input.password);
  const demotesLastAdmin = existing.role === "admin" && ((input.role && input.role !== "admin") || input.disabled === true);
  if (demotesLastAdmin && (await db.user.count({ where: { role: "admin", disabled: false } })) <= 1)
    throw conflict("last_admin", "This is the only active admin; make another user admin first, so Kura is never left without one.");
  const row = await db.user.update({
    where: { id },
    data: {
      ...(input.role ? { role: input.role } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
      ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
    },
  });
  if (input.disabled || input.password) await db.session.deleteMany({ where: { userId: id } });
  const tokensRevoked = input.password ? await revokeAllTokens(id) : 0;
  await recordEvent({
    actor,
    action: "user.update",
    target: `user:${row.name}`,
    detail: {
      role: input.role ?? null,
      disabled: input.disabled ?? null,
      passwordChanged: input.password !== undefined,
      ...(input.password ? { tokensRevoked } : {}),
    },
  });
  return toUserView(row);
}

/** The user for a name and password, or null (same answer for an unknown name, a wrong password or a disabled user). */
export async function checkCredentials(name: string, password: string): Promise<UserView | null> {
  const row = await db.user.findUnique({ where: { name } });
  if (!row) {
    await hashPassword(password); // spend the same time as a real check, so names cannot be probed by timing
    return null;
  }
  if (!(await verifyPassword(row.passwordHash, password)) || row.disabled) return null;
  return toUserView(row);
}

/** Revoke every live API token of a user; how many. (Here, not in token-store.ts, which imports this module.) */
async function revokeAllTokens(userId: string): Promise<number> {
  return (await db.apiToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } })).count;
}

/**
 * A signed-in user changes their own password: the current one must be right. Their other sessions end (someone
 * who knew the old password is signed out); the session making the change, `keepSession`, stays. With
 * `revokeTokens` their API tokens are revoked too.
 */
export async function changeOwnPassword(
  userId: string,
  input: { currentPassword: string; newPassword: string; revokeTokens?: boolean },
  keepSession: string | null,
): Promise<{ tokensRevoked: number }> {
  const row = await db.user.findUnique({ where: { id: userId } });
  if (!row || row.disabled) throw notFound("user_not_found", "Your account no longer exists or is disabled.");
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    await recordEvent({
      actor: row.name,
      action: "user.password",
      target: `user:${row.name}`,
      result: "failed",
      detail: { reason: "wrong current password" },
    });
    throw new AppError(403, "wrong_password", "The current password is wrong.");
  }
  checkPassword(input.newPassword);
  if (input.newPassword === input.currentPassword)
    throw new AppError(422, "same_password", "The new password is the current one; choose another.");
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(input.newPassword) } });
  const ended = await db.session.deleteMany({ where: { userId, ...(keepSession ? { id: { not: hashSecret(keepSession) } } : {}) } });
  const tokensRevoked = input.revokeTokens ? await revokeAllTokens(userId) : 0;
  await recordEvent({
    actor: row.name,
    action: "user.password",
    target: `user:${row.name}`,
    detail: { otherSessionsEnded: ended.count, tokensRevoked },
  });
  return { tokensRevoked };
}
