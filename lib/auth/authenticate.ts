import { findSessionUser, SESSION_COOKIE } from "./session-store";
import { findTokenUser } from "./token-store";
import type { UserView } from "./user-store";

export type Caller = { user: UserView; via: "session" | "token" };

type RequestLike = { headers: { get(name: string): string | null }; cookies?: { get(name: string): { value: string } | undefined } };

function cookieValue(request: RequestLike, name: string): string | null {
  const fromJar = request.cookies?.get(name)?.value;
  if (fromJar) return fromJar;
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** Who is calling: an API token (Authorization: Bearer) first, else the session cookie; null for nobody. */
export async function authenticate(request: RequestLike): Promise<Caller | null> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const user = match ? await findTokenUser(match[1]!) : null;
    return user ? { user, via: "token" } : null;
  }
  const session = cookieValue(request, SESSION_COOKIE);
  if (!session) return null;
  const user = await findSessionUser(session);
  return user ? { user, via: "session" } : null;
}
