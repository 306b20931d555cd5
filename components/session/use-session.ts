"use client";
import { useContext } from "react";
import { allows, type Access, type Role } from "@/lib/auth/roles";
import { SessionContext, type Session } from "./session-provider";

/** The signed-in user; only inside the dashboard, whose layout provides it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a <SessionProvider>: the dashboard layout provides one.");
  return session;
}

/** May the signed-in user do what needs `access`? The API checks again; this only hides what would be refused. */
export function useCan(access: Access): boolean {
  return allows(useSession().user.role, access);
}

/** The title on a hidden or disabled control: "Archiving needs the operator role." */
export function needsRole(role: Role, what: string): string {
  return `${what} needs the ${role} role.`;
}
