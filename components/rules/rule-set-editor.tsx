"use client";
import { useRouter } from "next/navigation";
import { useDeferredValue, useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { formatBytes } from "@/components/ui/format";
import type { Rule } from "@/lib/changes/classify/types";
import type { RuleSet } from "@/lib/rules/rule-set-store";
import { useContainers } from "@/lib/queries/use-containers";
import { useCreateRuleSet } from "@/lib/queries/use-create-rule-set";
import { useDeleteRuleSet } from "@/lib/queries/use-delete-rule-set";
import { useRulePreview } from "@/lib/queries/use-rule-preview";
import { useSaveRuleSet } from "@/lib/queries/use-save-rule-set";
import { validatePattern } from "@/lib/rules/language/rule-schema";
import { DataTable } from "@/components/ui/data-table";

const cell = "rounded border border-slate-300 px-2 py-1 text-xs disabled:bg-slate-50";

export function RuleSetEditor({ ruleSet }: { ruleSet: RuleSet }) {
  const router = useRouter();
  const [name, setName] = useState(ruleSet.name);
  const [rules, setRules] = useState<Rule[]>(ruleSet.rules);
  const [target, setTarget] = useState("");
  const containers = useContainers({});
  const saveRuleSet = useSaveRuleSet();
  const createRuleSet = useCreateRuleSet();
  const deleteRuleSet = useDeleteRuleSet();
  const canEdit = useCan("admin");
  const canPreview = useCan("operator");
  const readOnly = ruleSet.builtIn || !canEdit;
  const invalid = rules.map((rule) => validatePattern(rule.pattern));
  const hasErrors = invalid.some(Boolean);
  // The preview follows the draft, a beat behind typing.
  const draft = useDeferredValue(hasErrors ? null : rules);
  const [engineId, containerRef] = target && canPreview ? target.split("/") : [];
  const preview = useRulePreview(ruleSet.id, engineId && containerRef ? { engineId, containerRef } : null, draft ?? ruleSet.rules);
  const dirty = name !== ruleSet.name || JSON.stringify(rules) !== JSON.stringify(ruleSet.rules);

  function update(index: number, patch: Partial<Rule>) {
    setRules(rules.map((rule, at) => (at === index ? { ...rule, ...patch } : rule)));
  }
  function move(index: number, by: number) {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    if (rule) next.splice(index + by, 0, rule);
    setRules(next);
  }

  return (
    <div className="space-y-4">
      {ruleSet.builtIn ? (
        <Banner tone="blue">
          This is the built-in set: it cannot be edited.{" "}
          {canEdit ? (
            <button
              className="font-medium underline"
              onClick={() =>
                createRuleSet.mutate(
                  { name: `${ruleSet.name} copy ${new Date().toISOString().slice(0, 16)}`, copyFrom: ruleSet.id },
                  { onSuccess: (created) => router.push(`/rules/${created.id}`) },
                )
              }
            >
              Copy it to make your own
            </button>
          ) : null}
        </Banner>
      ) : null}
      {!canEdit ? (
        <Banner tone="blue" testId="rule-set-read-only">
          {needsRole("admin", "Editing rule sets")} {canPreview ? "You can still preview the rules on a container." : ""}
        </Banner>
      ) : null}
      <div className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <label>
          <span className="mb-1 block text-slate-600">Name</span>
          <input
            className="w-64 rounded-md border border-slate-300 px-3 py-1.5 disabled:bg-slate-50"
            value={name}
            disabled={readOnly}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Preview on container</span>
          <select
            aria-label="Preview on container"
            className="w-72 rounded-md border border-slate-300 bg-white px-2 py-1.5 disabled:bg-slate-50"
            value={target}
            disabled={!canPreview}
            title={canPreview ? undefined : needsRole("operator", "Previewing rules on a container")}
            onChange={(event) => setTarget(event.target.value)}
          >
            <option value="">choose a container…</option>
            {(containers.data ?? []).map((container) => (
              <option key={`${container.engineId}/${container.id}`} value={`${container.engineId}/${container.id.slice(0, 12)}`}>
                {container.name} ({container.engineName})
              </option>
            ))}
          </select>
        </label>
        {preview.data ? (
          <span
            className="text-xs text-slate-600"
            data-testid="preview-totals"
            data-excluded={preview.data.excluded.entries}
            data-included={preview.data.included.entries}
          >
            keeps {preview.data.included.entries.toLocaleString()} entries ({formatBytes(preview.data.included.bytes)}), leaves out{" "}
            {preview.data.excluded.entries.toLocaleString()} ({formatBytes(preview.data.excluded.bytes)})
            {preview.isFetching ? " · updating…" : ""}
          </span>
        ) : preview.isFetching ? (
          <span className="text-xs text-slate-500">reading the container…</span>
        ) : null}
        {!readOnly ? (
          <div className="ml-auto flex gap-2">
            <Button variant="danger" onClick={() => deleteRuleSet.mutate(ruleSet.id, { onSuccess: () => router.push("/rules") })}>
              Delete set
            </Button>
            <Button
              disabled={!dirty || hasErrors || saveRuleSet.isPending}
              onClick={() => saveRuleSet.mutate({ id: ruleSet.id, name, rules }, { onSuccess: () => router.refresh() })}
            >
              {saveRuleSet.isPending ? "Saving…" : dirty ? "Save rules" : "Saved"}
            </Button>
          </div>
        ) : null}
      </div>
      {saveRuleSet.error ? <Banner tone="red">{saveRuleSet.error.message}</Banner> : null}
      {preview.error ? <Banner tone="red">Preview failed: {preview.error.message}</Banner> : null}

      <DataTable
        columns={[
          { label: "#", className: "w-10" },
          { label: "Action" },
          { label: "Pattern" },
          { label: "Note" },
          { label: "Matches", className: "text-right", title: "Entries this rule matches / entries it decides (last match)" },
          { label: "Bytes", className: "text-right" },
          {},
        ]}
        cellPadding="px-3 py-2"
      >
        {rules.map((rule, index) => {
          const stats = preview.data?.rules[index];
          return (
            <tr key={index} data-testid="rule-row" data-pattern={rule.pattern}>
              <td className="px-3 py-1 text-xs text-slate-400">{index + 1}</td>
              <td className="px-3 py-1">
                <select
                  aria-label={`Action of rule ${index + 1}`}
                  className={cell}
                  value={rule.action}
                  disabled={readOnly}
                  onChange={(event) => update(index, { action: event.target.value as Rule["action"] })}
                >
                  <option value="exclude">exclude</option>
                  <option value="include">include (!)</option>
                </select>
              </td>
              <td className="px-3 py-1">
                <input
                  aria-label={`Pattern of rule ${index + 1}`}
                  className={`${cell} w-72 font-mono`}
                  value={rule.pattern}
                  disabled={readOnly}
                  onChange={(event) => update(index, { pattern: event.target.value })}
                />
                {invalid[index] ? <div className="text-xs text-red-700">{invalid[index]}</div> : null}
              </td>
              <td className="px-3 py-1">
                <input
                  aria-label={`Note of rule ${index + 1}`}
                  className={`${cell} w-full`}
                  value={rule.note}
                  disabled={readOnly}
                  onChange={(event) => update(index, { note: event.target.value })}
                />
              </td>
              <td className="px-3 py-1 text-right text-xs tabular-nums" data-testid="rule-matches">
                {stats ? `${stats.matched.toLocaleString()} / ${stats.decisive.toLocaleString()}` : "–"}
              </td>
              <td className="px-3 py-1 text-right text-xs tabular-nums">{stats ? formatBytes(stats.bytes) : "–"}</td>
              <td className="whitespace-nowrap px-3 py-1 text-right">
                {!readOnly ? (
                  <>
                    <button
                      className="px-1 text-slate-500 disabled:opacity-30"
                      aria-label={`Move rule ${index + 1} up`}
                      disabled={index === 0}
                      onClick={() => move(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      className="px-1 text-slate-500 disabled:opacity-30"
                      aria-label={`Move rule ${index + 1} down`}
                      disabled={index === rules.length - 1}
                      onClick={() => move(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      className="px-1 text-red-600"
                      aria-label={`Delete rule ${index + 1}`}
                      onClick={() => setRules(rules.filter((_, at) => at !== index))}
                    >
                      ✕
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          );
        })}
      </DataTable>
      {!readOnly ? (
        <Button variant="secondary" onClick={() => setRules([...rules, { pattern: "", action: "exclude", note: "" }])}>
          Add rule
        </Button>
      ) : null}
    </div>
  );
}
