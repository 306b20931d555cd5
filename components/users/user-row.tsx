"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDate } from "@/components/ui/format";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";
import { ROLES, type Role } from "@/lib/auth/roles";
import type { UserView } from "@/lib/auth/user-store";
import { useSaveUser } from "@/lib/queries/use-save-user";

/** One user: role and disabled flag change at once; a new password is typed, then set. */
export function UserRow({ user, isYou }: { user: UserView; isYou: boolean }) {
  const save = useSaveUser();
  const [password, setPassword] = useState<string | null>(null);
  const [passwordSet, setPasswordSet] = useState(false);
  return (
    <tr data-testid="user-row" data-name={user.name} data-role={user.role} className={`align-top ${user.disabled ? "text-slate-400" : ""}`}>
      <td className="px-4 py-2">
        <span className="font-medium">{user.name}</span> {isYou ? <Badge tone="blue">you</Badge> : null}{" "}
        {user.disabled ? <Badge tone="amber">disabled</Badge> : null}
      </td>
      <td className="px-4 py-2">
        <select
          aria-label={`Role of ${user.name}`}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
          value={user.role}
          disabled={save.isPending}
          onChange={(event) => save.mutate({ id: user.id, change: { role: event.target.value as Role } })}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </td>
      <td className="px-4 py-2">
        <label
          className="flex items-center gap-2 text-sm"
          title="A disabled user cannot sign in, and their API tokens stop working until enabled again."
        >
          <input
            type="checkbox"
            checked={user.disabled}
            disabled={save.isPending}
            onChange={(event) => save.mutate({ id: user.id, change: { disabled: event.target.checked } })}
          />
          <span>Disabled</span>
        </label>
      </td>
      <td className="px-4 py-2">
        {password === null ? (
          <span className="inline-flex items-center gap-2">
            <Button variant="secondary" onClick={() => setPassword("")}>
              Set password
            </Button>
            {passwordSet ? (
              <span className="text-xs text-emerald-700">password changed; their sessions were ended and their API tokens revoked</span>
            ) : null}
          </span>
        ) : (
          <form
            className="flex items-center gap-2"
            aria-label={`Set the password of ${user.name}`}
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate(
                { id: user.id, change: { password } },
                {
                  onSuccess: () => {
                    setPassword(null);
                    setPasswordSet(true);
                  },
                },
              );
            }}
          >
            <input
              type="password"
              aria-label={`New password for ${user.name}`}
              autoComplete="new-password"
              minLength={MIN_PASSWORD_LENGTH}
              required
              autoFocus
              placeholder={`at least ${MIN_PASSWORD_LENGTH} characters`}
              className="w-52 rounded-md border border-slate-300 px-2 py-1 text-sm"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <Button type="submit" disabled={save.isPending}>
              Set
            </Button>
            <Button type="button" variant="secondary" onClick={() => setPassword(null)}>
              Cancel
            </Button>
          </form>
        )}
        {save.error ? (
          <div className="mt-1 text-xs text-red-700" data-testid="user-error">
            {save.error.message}
          </div>
        ) : null}
      </td>
      <td className="px-4 py-2 text-xs text-slate-500">{formatDate(user.createdAt)}</td>
    </tr>
  );
}
