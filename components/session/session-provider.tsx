"use client";
import { createContext, useMemo, type ReactNode } from "react";
import type { UserView } from "@/lib/auth/user-store";

export type Session = { user: UserView };

export const SessionContext = createContext<Session | null>(null);

/** Hands the signed-in user (read by the dashboard layout on the server) to client components. */
export function SessionProvider({ user, children }: { user: UserView; children: ReactNode }) {
  const session = useMemo(() => ({ user }), [user]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
