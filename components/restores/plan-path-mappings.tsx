import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

type Mappings = NonNullable<RestorePlanView["pathMappings"]>;

/** The list of mappings and rewritten files, shared by the plan and the restore page. */
export function PathMappingList({ mappings, rewrites }: Mappings) {
  if (!mappings.length) return <p className="text-slate-500">No kept path carries a package version the new packages changed.</p>;
  return (
    <div className="space-y-2 text-xs">
      <ul className="space-y-1">
        {mappings.map((mapping) => (
          <li key={mapping.from} data-testid="path-mapping" data-from={mapping.from} data-to={mapping.to}>
            <code className="font-mono">{mapping.from}</code> → <code className="font-mono">{mapping.to}</code>{" "}
            <span className="text-slate-600">
              ({mapping.fromPackage} {mapping.fromVersion} → {mapping.toPackage} {mapping.toVersion}
              {mapping.entries ? `, ${mapping.entries} entr${mapping.entries === 1 ? "y" : "ies"}` : ", links re-pointed"})
            </span>
            <div className="text-slate-500">{mapping.evidence}</div>
          </li>
        ))}
      </ul>
      {rewrites.length ? (
        <div>
          <p className="font-medium text-slate-700">Files rewritten to follow them:</p>
          <ul className="space-y-1">
            {rewrites.map((rewrite) => (
              <li key={rewrite.path} data-testid="path-rewrite" data-path={rewrite.path}>
                <details>
                  <summary className="cursor-pointer">
                    <code className="font-mono">{rewrite.path}</code> ({rewrite.lines.length} line{rewrite.lines.length === 1 ? "" : "s"})
                  </summary>
                  <pre className="mt-1 overflow-auto rounded bg-slate-50 p-2 font-mono whitespace-pre-wrap">
                    {rewrite.lines.map((line) => `${line.line}- ${line.before}\n${line.line}+ ${line.after}`).join("\n")}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Versioned paths that follow their package (/etc/php/7.4 -> /etc/php/8.4), as the plan has them. */
export function PlanPathMappings({ pathMappings }: { pathMappings: RestorePlanView["pathMappings"] }) {
  return (
    <Section title="Versioned paths" testId="restore-plan-path-mappings">
      {pathMappings ? (
        <PathMappingList {...pathMappings} />
      ) : (
        <p className="text-xs text-slate-500" data-testid="path-mappings-pending">
          Paths that carry a package version (/etc/php/7.4/…) are mapped to the new packages&apos; once the restore has installed them: the
          restore page lists every mapping.
        </p>
      )}
    </Section>
  );
}
