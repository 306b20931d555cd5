"use client";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { useSaveMigrationRule } from "@/lib/queries/use-save-migration-rule";
import { useState } from "react";
import { MigrationRuleFields } from "./migration-rule-fields";
import { fieldErrors, toDraft, toRuleInput } from "./migration-rule-model";

/** The form that adds a user rule; a refusal is shown next to the field it names. */
export function NewMigrationRule() {
  const save = useSaveMigrationRule();
  const [draft, setDraft] = useState(toDraft);
  const errors = fieldErrors(save.error);
  return (
    <form
      aria-label="New migration rule"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ rule: toRuleInput(draft) }, { onSuccess: () => setDraft(toDraft()) });
      }}
    >
      <h2 className="text-sm font-semibold text-slate-700">Add a rule</h2>
      <MigrationRuleFields draft={draft} onChange={setDraft} errors={errors.byField} />
      {errors.other ? <Banner tone="red">{errors.other}</Banner> : null}
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Adding…" : "Add rule"}
      </Button>
    </form>
  );
}
