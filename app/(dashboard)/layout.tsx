import type { ReactNode } from "react";
import { SessionProvider } from "@/components/session/session-provider";
import { UserMenu } from "@/components/session/user-menu";
import { NavLink } from "@/components/ui/nav-link";
import { allows } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

/** Every dashboard page: signed in only, with the sidebar and the user handed to client components. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <SessionProvider user={user}>
      <div className="flex min-h-screen">
        <nav className="sticky top-0 flex h-screen w-52 shrink-0 flex-col overflow-y-auto bg-slate-900 px-3 py-5" aria-label="Main">
          <div className="mb-6 px-3">
            <div className="text-lg font-semibold text-white">Kura</div>
            <div className="text-xs text-slate-400">keep the data, rebuild the rest</div>
          </div>
          <div className="space-y-1">
            <NavLink href="/overview">Overview</NavLink>
            <NavLink href="/containers" activeFor={["^/engines/[^/]+/containers/"]}>
              Containers
            </NavLink>
            <NavLink href="/archives" activeFor={["^/restores/"]}>
              Archives
            </NavLink>
            <NavLink href="/rules">Rule sets</NavLink>
            <NavLink href="/migration-rules">Migration rules</NavLink>
            <NavLink href="/engines" exact>
              Engines
            </NavLink>
            <NavLink href="/audit">Audit</NavLink>
            {allows(user.role, "admin") ? <NavLink href="/users">Users</NavLink> : null}
            <NavLink href="/account">Account</NavLink>
          </div>
          <div className="mt-auto pt-6">
            <UserMenu />
          </div>
        </nav>
        <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
      </div>
    </SessionProvider>
  );
}
