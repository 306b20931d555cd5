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

function RulesTable({ rules }: { rules: PlannedRule[] }) {
  return (
    <DataTable columns={[{ label: "Package" }, { label: "Versions" }, { label: "Action" }, { label: "Status" }]} cellPadding="px-3 py-1.5">
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
  );
}

/**
 * Each migration rule for the archived packages, and whether it applies to this move. Those that do not apply
 * (their package was not installed, or the versions are outside the jump) are folded away, still one click off.
 */
export function PlanMigrationRules({ rules }: { rules: PlannedRule[] }) {
  const relevant = rules.filter((planned) => planned.status !== "not-applicable");
  const others = rules.filter((planned) => planned.status === "not-applicable");
  return (
    <Section
      title={`Migration rules (${rules.filter((planned) => planned.status === "applies").length} apply)`}
      testId="restore-plan-rules"
    >
      {relevant.length ? (
        <RulesTable rules={relevant} />
      ) : (
        <p className="text-slate-500">No migration rule applies to this archive&apos;s packages and this jump.</p>
      )}
      {others.length ? (
        <details className="mt-2 text-xs" data-testid="plan-rules-not-applicable">
          <summary className="cursor-pointer text-slate-600">
            {others.length} rule{others.length === 1 ? "" : "s"} that do not apply here (their package is not installed, or the versions are
            outside this jump)
          </summary>
          <div className="mt-2">
            <RulesTable rules={others} />
          </div>
        </details>
      ) : null}
      <p className="mt-2 text-xs">
        <Link className="text-sky-700 hover:underline" href="/migration-rules">
          Manage migration rules
        </Link>
      </p>
    </Section>
  );
}
