import Link from "next/link";
import { describeAction } from "@/components/migration-rules/migration-rule-model";
import { Badge, type Tone } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import type { PlannedRule } from "@/lib/restores/types";

const statuses: Record<PlannedRule["status"], { label: string; tone: Tone }> = {
  applies: { label: "applies", tone: "green" },
  "checked-at-build": { label: "checked at build", tone: "blue" },
  "not-applicable": { label: "not applicable", tone: "gray" },
};

/** Each migration rule for the archived packages, and whether it applies to this move. */
export function PlanMigrationRules({ rules }: { rules: PlannedRule[] }) {
  return (
    <Section
      title={`Migration rules (${rules.filter((planned) => planned.status === "applies").length} apply)`}
      testId="restore-plan-rules"
    >
      {rules.length ? (
        <DataTable
          columns={[{ label: "Package" }, { label: "Versions" }, { label: "Action" }, { label: "Status" }]}
          cellPadding="px-3 py-1.5"
        >
          {rules.map((planned) => (
            <tr key={planned.rule.id} data-testid="plan-rule" data-status={planned.status} className="align-top text-xs">
              <td className="px-3 py-1.5 font-mono">{planned.rule.package}</td>
              <td className="px-3 py-1.5 whitespace-nowrap">
                <span title="the versions the rule is for: archived → new">
                  {planned.rule.fromVersions} → {planned.rule.toVersions}
                </span>
                {planned.fromVersion || planned.toVersion ? (
                  <div className="text-slate-500" title="the archived version → the version the new base installs">
                    here {planned.fromVersion ?? "not installed"} → {planned.toVersion ?? "known at build"}
                  </div>
                ) : null}
              </td>
              <td className="px-3 py-1.5 font-mono break-all">{describeAction(planned.rule.action)}</td>
              <td className="min-w-40 px-3 py-1.5">
                <span className="whitespace-nowrap">
                  <Badge tone={statuses[planned.status].tone}>{statuses[planned.status].label}</Badge>
                </span>
                {planned.reason ? <div className="mt-0.5 text-slate-500">{planned.reason}</div> : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p className="text-slate-500">No migration rule concerns this archive&apos;s packages.</p>
      )}
      <p className="mt-2 text-xs">
        <Link className="text-sky-700 hover:underline" href="/migration-rules">
          Manage migration rules
        </Link>
      </p>
    </Section>
  );
}
