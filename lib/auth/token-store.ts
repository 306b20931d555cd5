import { notFound } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { hashSecret, newSecret } from "./hash-secret";
import { toUserView, type UserView } from "./user-store";

// API tokens for scripts: `Authorization: Bearer kura_…`. Created and revoked by their owner; the
// plain token is returned once at creation, the database keeps its SHA-256 and a short prefix.

export const TOKEN_PREFIX = "kura_";

export type TokenView = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

type Row = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

const toView = (row: Row): TokenView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export async function listTokens(userId: string): Promise<TokenView[]> {
  return (await db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } })).map(toView);
}

export async function createToken(user: UserView, name: string): Promise<TokenView & { token: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const row = await db.apiToken.create({
    data: { userId: user.id, name, tokenHash: hashSecret(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) },
  });
  await recordEvent({ actor: user.name, action: "token.create", target: `token:${row.prefix}…`, detail: { name } });
  return { ...toView(row), token };
}

export async function revokeToken(user: UserView, id: string): Promise<TokenView> {
  const row = await db.apiToken.findFirst({ where: { id, userId: user.id } });
  if (!row) throw notFound("token_not_found", `You have no token with id "${id}".`);
  const updated = row.revokedAt ? row : await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordEvent({ actor: user.name, action: "token.revoke", target: `token:${row.prefix}…`, detail: { name: row.name } });
  return toView(updated);
}

export async function findTokenUser(token: string): Promise<UserView | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabled) return null;
  // Note the use at most once a minute, so a busy script does not write on every call.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  return toUserView(row.user);
}
