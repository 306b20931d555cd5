import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

type Conversion = NonNullable<RestorePlanView["conversions"]>[number];

/** The data conversions, shared by the plan and the restore page: what, the versions on both sides, how, from which rule. */
export function ConversionList({ conversions }: { conversions: readonly Conversion[] }) {
  if (!conversions.length) return <p className="text-slate-500">No archived data needs converting for the new versions.</p>;
  return (
    <ul className="space-y-2 text-xs">
      {conversions.map((item) => (
        <li
          key={`${item.id}:${item.data}`}
          data-testid="conversion"
          data-id={item.id}
          data-status={item.status}
          className={item.status === "not-covered" ? "rounded border border-amber-300 bg-amber-50 p-2" : ""}
        >
          <span className="font-medium">{item.what}</span>{" "}
          <span className="text-slate-600" data-testid="conversion-versions">
            ({item.package} {item.fromVersion ?? "?"} → {item.toVersion ?? "known once installed"})
          </span>
          {item.status === "not-covered" ? <span className="ml-1 font-semibold text-amber-800">at risk</span> : null}
          <div className="text-slate-700">{item.method}</div>
          <div className="text-slate-500">
            <code className="font-mono">{item.data}</code> · {item.source}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** "Data conversions" on the plan, collapsed: what the build converts (a database across major versions) and how. */
export function PlanConversions({ conversions }: { conversions: RestorePlanView["conversions"] }) {
  const list = conversions ?? [];
  const atRisk = list.filter((item) => item.status === "not-covered").length;
  return (
    <Section title="Data conversions" testId="restore-plan-conversions">
      <details open={atRisk > 0}>
        <summary className="cursor-pointer text-xs text-slate-700" data-testid="conversions-summary">
          {list.length === 0
            ? "None: no archived data is tied to a version the new packages change."
            : `${list.length - atRisk} conversion${list.length - atRisk === 1 ? "" : "s"} in the build${atRisk ? `, ${atRisk} not covered (data at risk)` : ""}`}
        </summary>
        <div className="mt-2">
          <ConversionList conversions={list} />
        </div>
      </details>
    </Section>
  );
}
