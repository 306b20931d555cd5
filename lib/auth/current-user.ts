import { cookies } from "next/headers";
import { findSessionUser, SESSION_COOKIE } from "./session-store";
import type { UserView } from "./user-store";

/** The signed-in user of the page being rendered (server components), or null. */
export async function getCurrentUser(): Promise<UserView | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? findSessionUser(token) : null;
}
