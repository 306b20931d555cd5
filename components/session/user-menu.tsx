"use client";
import { useSignOut } from "@/lib/queries/use-sign-out";
import { useSession } from "./use-session";

/** Who is signed in, with what role, and "Sign out" (then the sign-in page, with a fresh page so no data stays cached). */
export function UserMenu() {
  const { user } = useSession();
  const signOut = useSignOut();
  return (
    <div className="border-t border-slate-800 px-3 pt-4 text-sm" data-testid="user-menu">
      <div className="truncate font-medium text-white" data-testid="user-name">
        {user.name}
      </div>
      <div className="text-xs text-slate-400" data-testid="user-role">
        {user.role}
      </div>
      <button
        type="button"
        className="mt-2 text-xs text-slate-300 underline-offset-2 hover:text-white hover:underline disabled:opacity-50"
        disabled={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSettled: () => window.location.assign("/sign-in") })}
      >
        {signOut.isPending ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
