"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import type { RuleSet } from "@/lib/rules/rule-set-store";
import { useCreateRuleSet } from "@/lib/queries/use-create-rule-set";
import { useRuleSets } from "@/lib/queries/use-rule-sets";
import { DataTable } from "@/components/ui/data-table";

export function RuleSetsList({ initial }: { initial: RuleSet[] }) {
  const ruleSets = useRuleSets(initial);
  const createRuleSet = useCreateRuleSet();
  const router = useRouter();
  const [name, setName] = useState("");
  const [copyFrom, setCopyFrom] = useState("default");
  const canEdit = useCan("admin");

  return (
    <div className="space-y-6">
      <DataTable columns={[{ label: "Name" }, { label: "Rules" }, { label: "Updated" }]}>
        {(ruleSets.data ?? []).map((set) => (
          <tr key={set.id} data-testid="rule-set-row" data-name={set.name}>
            <td className="px-4 py-2">
              <Link className="font-medium text-sky-700 hover:underline" href={`/rules/${set.id}`}>
                {set.name}
              </Link>{" "}
              {set.builtIn ? <Badge>built-in, read-only</Badge> : null}
            </td>
            <td className="px-4 py-2">{set.rules.length}</td>
            <td className="px-4 py-2 text-xs text-slate-500">{set.updatedAt.slice(0, 16).replace("T", " ")}</td>
          </tr>
        ))}
      </DataTable>
      {canEdit ? (
        <form
          aria-label="New rule set"
          className="flex max-w-2xl flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
          onSubmit={(event) => {
            event.preventDefault();
            createRuleSet.mutate({ name, copyFrom }, { onSuccess: (created) => router.push(`/rules/${created.id}`) });
          }}
        >
          <label>
            <span className="mb-1 block text-slate-600">New rule set name</span>
            <input
              className="w-56 rounded-md border border-slate-300 px-3 py-1.5"
              value={name}
              onChange={(event) => setName(event.target.value)}
              required
            />
          </label>
          <label>
            <span className="mb-1 block text-slate-600">Start from</span>
            <select
              className="rounded-md border border-slate-300 bg-white px-2 py-1.5"
              value={copyFrom}
              onChange={(event) => setCopyFrom(event.target.value)}
            >
              {(ruleSets.data ?? []).map((set) => (
                <option key={set.id} value={set.id}>
                  a copy of {set.name}
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" disabled={createRuleSet.isPending}>
            Create
          </Button>
          {createRuleSet.error ? <Banner tone="red">{createRuleSet.error.message}</Banner> : null}
        </form>
      ) : (
        <p className="text-sm text-slate-500" data-testid="rule-sets-read-only">
          {needsRole("admin", "Creating, editing or deleting rule sets")} Operators can still preview a set on a container and choose it
          when curating.
        </p>
      )}
    </div>
  );
}
