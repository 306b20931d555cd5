"use client";
import { useState } from "react";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";
import { useChangePassword } from "@/lib/queries/use-change-password";

const input = "w-60 rounded-md border border-slate-300 px-3 py-1.5";

/** Your own password: the current one, then the new one twice. */
export function ChangePasswordForm() {
  const changePassword = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [revokeTokens, setRevokeTokens] = useState(false);
  const [done, setDone] = useState<{ tokensRevoked: boolean } | null>(null);
  const mismatch = repeat !== "" && next !== repeat;

  return (
    <form
      aria-label="Change your password"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        if (mismatch) return;
        setDone(null);
        changePassword.mutate(
          { currentPassword: current, newPassword: next, revokeTokens },
          {
            onSuccess: () => {
              setDone({ tokensRevoked: revokeTokens });
              setRevokeTokens(false);
              setCurrent("");
              setNext("");
              setRepeat("");
            },
          },
        );
      }}
    >
      <div className="flex flex-wrap items-end gap-3">
        <label>
          <span className="mb-1 block text-slate-600">Current password</span>
          <input
            type="password"
            autoComplete="current-password"
            className={input}
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">New password</span>
          <input
            type="password"
            autoComplete="new-password"
            className={input}
            required
            minLength={MIN_PASSWORD_LENGTH}
            placeholder={`at least ${MIN_PASSWORD_LENGTH} characters`}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">New password again</span>
          <input
            type="password"
            autoComplete="new-password"
            className={input}
            required
            value={repeat}
            aria-invalid={mismatch}
            onChange={(event) => setRepeat(event.target.value)}
          />
        </label>
        <Button type="submit" disabled={changePassword.isPending || mismatch}>
          {changePassword.isPending ? "Changing…" : "Change password"}
        </Button>
      </div>
      <label className="flex items-center gap-2 text-slate-700">
        <input type="checkbox" checked={revokeTokens} onChange={(event) => setRevokeTokens(event.target.checked)} />
        Also revoke my API tokens (do this if someone else may have used your password)
      </label>
      {mismatch ? <p className="text-xs text-red-700">The two new passwords differ.</p> : null}
      {changePassword.error ? <Banner tone="red">{changePassword.error.message}</Banner> : null}
      {done ? (
        <Banner tone="blue" testId="password-changed">
          Password changed. Your other browser sessions were signed out; this one stays signed in.{" "}
          {done.tokensRevoked ? "Your API tokens were revoked." : "API tokens keep working."}
        </Banner>
      ) : null}
    </form>
  );
}
