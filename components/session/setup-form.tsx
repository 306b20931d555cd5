"use client";
import { useState } from "react";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { useCompleteSetup } from "@/lib/queries/use-complete-setup";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";

const input = "w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm";

/** The first admin: name and password (twice), with the one-time token from the link in the server log. */
export function SetupForm({ token }: { token: string }) {
  const setup = useCompleteSetup();
  const [name, setName] = useState("admin");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const busy = setup.isPending || setup.isSuccess;
  const shown = problem ?? setup.error?.message ?? null;
  return (
    <form
      className="space-y-3"
      aria-label="Create the first admin"
      onSubmit={(event) => {
        event.preventDefault();
        if (password.length < MIN_PASSWORD_LENGTH) return setProblem(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
        if (password !== repeat) return setProblem("The two passwords differ.");
        setProblem(null);
        setup.mutate({ token, name: name.trim(), password }, { onSuccess: () => window.location.assign("/overview") });
      }}
    >
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">Name</span>
        <input
          className={input}
          name="username"
          autoComplete="username"
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
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <span className="mt-1 block text-xs text-slate-500">At least {MIN_PASSWORD_LENGTH} characters.</span>
      </label>
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">Repeat the password</span>
        <input
          className={input}
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(event) => setRepeat(event.target.value)}
        />
      </label>
      {shown ? (
        <Banner tone="red" testId="setup-error">
          {shown}
        </Banner>
      ) : null}
      <Button type="submit" className="w-full justify-center" disabled={busy}>
        {busy ? "Creating…" : "Create the admin and sign in"}
      </Button>
    </form>
  );
}
