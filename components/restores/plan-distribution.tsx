import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import type { PlannedDistributionRule, PlannedPackageNews } from "@/lib/restores/types";

/**
 * What the new packages themselves say about the jump: the conffile moves and removals their maintainer scripts
 * record (each with its source), and their NEWS.Debian entries between the two versions, collapsed. Both are read
 * once the packages stage is built; before that (undefined) the section says so.
 */
export function PlanDistribution({ rules, news }: { rules?: PlannedDistributionRule[]; news?: PlannedPackageNews[] }) {
  const read = rules !== undefined && news !== undefined;
  const applying = rules?.filter((rule) => rule.status === "applies").length ?? 0;
  return (
    <Section
      title={`From the distribution (${applying} rule(s) apply, ${news?.length ?? 0} package(s) with news)`}
      testId="restore-plan-distribution"
    >
      {!read ? (
        <p className="text-slate-500">
          The packages&apos; own upgrade rules and NEWS.Debian entries are read from the new packages when their stage is built.
        </p>
      ) : (
        <>
          {rules.length ? (
            <ul className="space-y-1.5 text-xs">
              {rules.map((rule) => (
                <li key={rule.source} data-testid="plan-distribution-rule" data-status={rule.status}>
                  <Badge tone={rule.status === "applies" ? "green" : "gray"}>
                    {rule.status === "applies" ? "applies" : "not applicable"}
                  </Badge>{" "}
                  <span className="font-mono break-all">{rule.source}</span>
                  <div className="text-slate-500">{rule.reason}</div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-slate-500">No maintainer script of the new packages moves or removes an archived file.</p>
          )}
          {news.map((item) => (
            <details key={item.package} className="mt-2" data-testid="plan-news">
              <summary className="cursor-pointer text-xs">
                <span className="font-mono">{item.package}</span>
                {item.alsoIn.length ? <span className="text-slate-500"> (also {item.alsoIn.join(", ")})</span> : null}:{" "}
                {item.entries.length} NEWS.Debian entr{item.entries.length === 1 ? "y" : "ies"} from {item.fromVersion} to {item.toVersion}
              </summary>
              {item.entries.map((entry) => (
                <div key={entry.version} className="mt-1 border-l-2 border-slate-200 pl-2">
                  <div className="text-xs text-slate-500">
                    {entry.source} {entry.version} · {entry.author} · {entry.date}
                  </div>
                  <pre className="text-xs whitespace-pre-wrap">{entry.text}</pre>
                </div>
              ))}
            </details>
          ))}
        </>
      )}
    </Section>
  );
}
