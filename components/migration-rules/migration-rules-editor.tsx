"use client";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { DataTable } from "@/components/ui/data-table";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { useMigrationRules } from "@/lib/queries/use-migration-rules";
import { MigrationRuleRow } from "./migration-rule-row";
import { NewMigrationRule } from "./new-migration-rule";

/** The rules table (built-in ones read-only, user ones editable in place) and the add form. */
export function MigrationRulesEditor({ initial }: { initial?: MigrationRule[] }) {
  const rules = useMigrationRules(initial);
  const canEdit = useCan("admin");
  return (
    <div className="space-y-6">
      {rules.error ? <Banner tone="red">Cannot list the migration rules: {rules.error.message}</Banner> : null}
      <div data-testid="migration-rules-table">
        <DataTable
          columns={[
            { label: "Package" },
            { label: "From" },
            { label: "To" },
            { label: "Action" },
            { label: "Note" },
            { label: "Enabled" },
            {},
          ]}
          cellPadding="px-3 py-2"
        >
          {(rules.data ?? []).map((rule) => (
            <MigrationRuleRow key={rule.id} rule={rule} />
          ))}
          {rules.data?.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-4 text-slate-500">
                No migration rules yet.
              </td>
            </tr>
          ) : null}
          {rules.isPending ? (
            <tr>
              <td colSpan={7} className="px-3 py-4 text-slate-500">
                Loading…
              </td>
            </tr>
          ) : null}
        </DataTable>
      </div>
      {canEdit ? (
        <NewMigrationRule />
      ) : (
        <p className="text-sm text-slate-500" data-testid="migration-rules-read-only">
          {needsRole("admin", "Adding, editing, deleting or switching migration rules")}
        </p>
      )}
    </div>
  );
}
