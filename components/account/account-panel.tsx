"use client";
import { useState } from "react";
import { useSession } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { formatDate } from "@/components/ui/format";
import { Field, Section } from "@/components/ui/section";
import type { Role } from "@/lib/auth/roles";
import type { TokenView } from "@/lib/auth/token-store";
import { useCreateToken } from "@/lib/queries/use-create-token";
import { useRevokeToken } from "@/lib/queries/use-revoke-token";
import { useTokens } from "@/lib/queries/use-tokens";
import { ChangePasswordForm } from "./change-password-form";
import { TokenSecret } from "./token-secret";

const roleMeaning: Record<Role, string> = {
  viewer: "You see everything and change nothing.",
  operator: "You curate, archive, verify, export, import and restore; engines, users, rule sets and migration rules are an admin's.",
  admin: "You may do everything, including engines, users, rule sets, migration rules and deleting archives.",
};

/** Who you are, and your API tokens: make one (its value shown once), revoke one. */
export function AccountPanel({ initialTokens }: { initialTokens: TokenView[] }) {
  const { user } = useSession();
  const tokens = useTokens(initialTokens);
  const createToken = useCreateToken();
  const revokeToken = useRevokeToken();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const list = tokens.data ?? initialTokens;

  return (
    <div className="space-y-6">
      <Section title="You" testId="account-user">
        <dl>
          <Field label="Name">{user.name}</Field>
          <Field label="Role">
            <Badge tone={user.role === "admin" ? "violet" : user.role === "operator" ? "blue" : "gray"}>{user.role}</Badge>{" "}
            <span className="text-slate-600">{roleMeaning[user.role]}</span>
          </Field>
          <Field label="Since">{formatDate(user.createdAt)}</Field>
        </dl>
        <p className="mt-2 text-xs text-slate-500">An admin sets your role, and can set your password if you forget it.</p>
      </Section>

      <section className="space-y-3">
        <h2 className="text-sm font-semibold text-slate-700">Password</h2>
        <ChangePasswordForm />
      </section>

      <section className="space-y-3">
        <h2 className="text-sm font-semibold text-slate-700">API tokens</h2>
        <p className="max-w-3xl text-sm text-slate-600">
          For scripts and the command line: send <code className="font-mono">Authorization: Bearer kura_…</code>. A token acts as you, with
          your role, until you revoke it.
        </p>
        {created ? <TokenSecret name={created.name} token={created.token} onDone={() => setCreated(null)} /> : null}
        <div data-testid="tokens-table">
          <DataTable
            columns={[{ label: "Name" }, { label: "Token" }, { label: "Created" }, { label: "Last used" }, { label: "State" }, {}]}
          >
            {list.map((token) => (
              <tr
                key={token.id}
                data-testid="token-row"
                data-name={token.name}
                data-revoked={token.revokedAt ? "true" : "false"}
                className={token.revokedAt ? "text-slate-400" : ""}
              >
                <td className="px-4 py-2 font-medium">{token.name}</td>
                <td className="px-4 py-2 font-mono text-xs">{token.prefix}…</td>
                <td className="px-4 py-2 text-xs">{formatDate(token.createdAt)}</td>
                <td className="px-4 py-2 text-xs">{token.lastUsedAt ? formatDate(token.lastUsedAt) : "never"}</td>
                <td className="px-4 py-2">
                  {token.revokedAt ? <Badge>revoked {formatDate(token.revokedAt)}</Badge> : <Badge tone="green">active</Badge>}
                </td>
                <td className="px-4 py-2 text-right">
                  {token.revokedAt ? null : (
                    <Button variant="danger" disabled={revokeToken.isPending} onClick={() => revokeToken.mutate(token.id)}>
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
            {list.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-6 text-center text-slate-500">
                  No tokens yet.
                </td>
              </tr>
            ) : null}
          </DataTable>
        </div>
        {revokeToken.error ? <Banner tone="red">{revokeToken.error.message}</Banner> : null}
        <form
          aria-label="New API token"
          className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
          onSubmit={(event) => {
            event.preventDefault();
            createToken.mutate(
              { name: name.trim() },
              {
                onSuccess: (token) => {
                  setCreated({ name: token.name, token: token.token });
                  setName("");
                },
              },
            );
          }}
        >
          <label>
            <span className="mb-1 block text-slate-600">Token name</span>
            <input
              className="w-72 rounded-md border border-slate-300 px-3 py-1.5"
              placeholder="what uses it, e.g. nightly backup script"
              required
              maxLength={100}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </label>
          <Button type="submit" disabled={createToken.isPending}>
            {createToken.isPending ? "Creating…" : "Create token"}
          </Button>
          {createToken.error ? <Banner tone="red">{createToken.error.message}</Banner> : null}
        </form>
      </section>
    </div>
  );
}
