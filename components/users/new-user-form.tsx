"use client";
import { useState } from "react";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";
import { ROLES, type Role } from "@/lib/auth/roles";
import { useSaveUser } from "@/lib/queries/use-save-user";

const input = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm";

const roleHelp: Record<Role, string> = {
  viewer: "sees everything, changes nothing",
  operator: "also curates, archives, verifies, restores, imports",
  admin: "also engines, users, rule sets, migration rules, deleting archives",
};

export function NewUserForm() {
  const save = useSaveUser();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  return (
    <form
      aria-label="Add a user"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          { create: { name: name.trim(), password, role } },
          {
            onSuccess: () => {
              setName("");
              setPassword("");
              setRole("viewer");
            },
          },
        );
      }}
    >
      <h2 className="text-sm font-semibold text-slate-700">Add a user</h2>
      <div className="flex flex-wrap items-end gap-3">
        <label>
          <span className="mb-1 block text-slate-600">Name</span>
          <input className={`${input} w-56`} autoComplete="off" required value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Password</span>
          <input
            className={`${input} w-56`}
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            placeholder={`at least ${MIN_PASSWORD_LENGTH} characters`}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Role</span>
          <select className={input} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((choice) => (
              <option key={choice} value={choice}>
                {choice}: {roleHelp[choice]}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Adding…" : "Add user"}
        </Button>
      </div>
      <p className="text-xs text-slate-500">
        Tell them their password another way; they can then make API tokens of their own on their Account page.
      </p>
      {save.error ? <Banner tone="red">{save.error.message}</Banner> : null}
    </form>
  );
}
