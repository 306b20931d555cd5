"use client";
import { useState } from "react";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { useSignIn } from "@/lib/queries/use-sign-in";

const input = "w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";

/**
 * Name and password; then `next` (already checked to be a local path) loads as a whole new page,
 * so nothing cached before signing in carries over.
 */
export function SignInForm({ next, firstAdminPending }: { next: string; firstAdminPending: boolean }) {
  const signIn = useSignIn();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const busy = signIn.isPending || signIn.isSuccess;
  return (
    <form
      className="space-y-3"
      aria-label="Sign in"
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate({ name: name.trim(), password }, { onSuccess: () => window.location.assign(next) });
      }}
    >
      {firstAdminPending ? (
        <Banner tone="blue" testId="setup-pending">
          Kura has no users yet. Create the first admin with the one-time link printed in the server log (
          <code className="font-mono">/setup?token=…</code>), or start Kura with <code className="font-mono">KURA_ADMIN_PASSWORD</code> set
          (and <code className="font-mono">KURA_ADMIN_NAME</code>, default &quot;admin&quot;).
        </Banner>
      ) : null}
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">Name</span>
        <input
          className={input}
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">Password</span>
        <input
          className={input}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      {signIn.error ? (
        <Banner tone="red" testId="sign-in-error">
          {signIn.error.message}
        </Banner>
      ) : null}
      <Button type="submit" className="w-full justify-center" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
