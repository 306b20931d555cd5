"use client";
import { useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { useDeleteMigrationRule } from "@/lib/queries/use-delete-migration-rule";
import { useSaveMigrationRule } from "@/lib/queries/use-save-migration-rule";
import { MigrationRuleFields } from "./migration-rule-fields";
import { describeAction, fieldErrors, toDraft, toRuleInput, withEnabled, type RuleDraft } from "./migration-rule-model";

export const COLUMN_COUNT = 7;

/** One rule: a built-in one can only be switched off or on; a user rule also edits inline and deletes after asking. */
export function MigrationRuleRow({ rule }: { rule: MigrationRule }) {
  const save = useSaveMigrationRule();
  const toggle = useSaveMigrationRule();
  const remove = useDeleteMigrationRule();
  const canEdit = useCan("admin");
  const notAdmin = canEdit ? undefined : needsRole("admin", "Changing migration rules");
  const [draft, setDraft] = useState<RuleDraft | null>(null);
  const [confirming, setConfirming] = useState(false);
  const rowAttributes = {
    "data-testid": "migration-rule-row",
    "data-id": rule.id,
    "data-package": rule.package,
    "data-built-in": rule.builtIn,
  };

  if (draft) {
    const errors = fieldErrors(save.error);
    return (
      <tr {...rowAttributes} data-editing="true" className="bg-sky-50/40">
        <td colSpan={COLUMN_COUNT} className="px-3 py-3">
          <form
            aria-label={`Edit the rule for ${rule.package}`}
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate({ id: rule.id, rule: toRuleInput(draft) }, { onSuccess: () => setDraft(null) });
            }}
          >
            <MigrationRuleFields draft={draft} onChange={setDraft} errors={errors.byField} />
            {errors.other ? <Banner tone="red">{errors.other}</Banner> : null}
            <div className="flex gap-2">
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save"}
              </Button>
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  save.reset();
                  setDraft(null);
                }}
              >
                Cancel
              </Button>
            </div>
          </form>
        </td>
      </tr>
    );
  }

  return (
    <tr {...rowAttributes} className={`align-top ${rule.enabled ? "" : "text-slate-400"}`}>
      <td className="px-3 py-2">
        <span className="font-mono">{rule.package}</span>{" "}
        {rule.builtIn ? <Badge title="Ships with Kura: can be switched off, not edited">built-in</Badge> : null}
      </td>
      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{rule.fromVersions}</td>
      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{rule.toVersions}</td>
      <td className="px-3 py-2 font-mono text-xs" data-testid="migration-rule-action">
        {describeAction(rule.action)}
      </td>
      <td className="px-3 py-2 text-xs">{rule.note}</td>
      <td className="px-3 py-2">
        <input
          type="checkbox"
          aria-label={`Enabled: ${rule.package}`}
          title={notAdmin ?? (rule.enabled ? "On: restore plans use this rule" : "Off: restore plans skip this rule")}
          checked={rule.enabled}
          disabled={toggle.isPending || !canEdit}
          onChange={(event) => toggle.mutate({ id: rule.id, rule: withEnabled(rule, event.target.checked) })}
        />
        {toggle.error ? <div className="text-xs text-red-700">{toggle.error.message}</div> : null}
      </td>
      <td className="px-3 py-2 text-right whitespace-nowrap">
        {rule.builtIn ? null : confirming ? (
          <span className="inline-flex items-center gap-2" data-testid="migration-rule-delete-confirm">
            <span className="text-xs">Delete this rule?</span>
            <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(rule.id)}>
              Delete for good
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </span>
        ) : (
          <span className="inline-flex gap-2">
            <Button variant="secondary" disabled={!canEdit} title={notAdmin} onClick={() => setDraft(toDraft(rule))}>
              Edit
            </Button>
            <Button variant="danger" disabled={!canEdit} title={notAdmin} onClick={() => setConfirming(true)}>
              Delete
            </Button>
          </span>
        )}
        {remove.error ? <div className="mt-1 text-xs text-red-700">{remove.error.message}</div> : null}
      </td>
    </tr>
  );
}
