import { Badge, type Tone } from "@/components/ui/badge";
import type { RestorePlanView, RestoreView } from "@/lib/restores/types";

/** The configuration checkers the restore runs on the built image, before the service starts. */
export function PlanConfigChecks({
  checks,
  enabled = true,
  onEnabledChange,
}: {
  checks: RestorePlanView["configChecks"];
  enabled?: boolean;
  onEnabledChange?: (enabled: boolean) => void;
}) {
  if (!checks.length)
    return (
      <p className="mb-3 text-xs text-slate-500" data-testid="config-checks" data-count={0}>
        Kura knows no configuration checker for these packages.
      </p>
    );
  return (
    <div className="mb-3 text-sm" data-testid="config-checks" data-count={checks.length}>
      {onEnabledChange ? (
        <label className="mb-1 flex items-center gap-2 text-slate-600">
          <input
            type="checkbox"
            aria-label="Check the configuration"
            checked={enabled}
            onChange={(event) => onEnabledChange(event.target.checked)}
          />
          <span>Before the service starts, check its configuration (a failure stops the restore there):</span>
        </label>
      ) : (
        <p className="mb-1 text-slate-600">Before the service starts, the restore checks its configuration (a failure stops it there):</p>
      )}
      <ul className={`list-disc space-y-0.5 pl-5 ${enabled ? "text-slate-700" : "text-slate-400 line-through"}`}>
        {checks.map((check) => (
          <li key={check.service} data-testid="config-check">
            <code className="rounded bg-slate-100 px-1 font-mono text-xs">{check.command}</code> ({check.service}, package {check.package}):{" "}
            {check.proves}
          </li>
        ))}
      </ul>
    </div>
  );
}

const outcomes: Record<RestoreView["configChecks"][number]["outcome"], { label: string; tone: Tone }> = {
  passed: { label: "passed", tone: "green" },
  failed: { label: "failed", tone: "red" },
  missing: { label: "not installed", tone: "gray" },
};

/** How each configuration checker ended, with its own message. */
export function ConfigCheckResults({ results }: { results: RestoreView["configChecks"] }) {
  if (!results.length) return null;
  return (
    <div data-testid="config-check-results" className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-700">Configuration checks</h3>
      <ul className="space-y-1">
        {results.map((result) => (
          <li key={result.command} data-testid="config-check-result" data-outcome={result.outcome}>
            <code className="rounded bg-slate-100 px-1 font-mono text-xs">{result.command}</code>{" "}
            <Badge tone={outcomes[result.outcome].tone}>{outcomes[result.outcome].label}</Badge>{" "}
            <span className="text-slate-600">
              {result.service}, exit code {result.exitCode}
            </span>
            {result.output && result.outcome !== "passed" ? (
              <pre className="mt-1 max-h-48 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs whitespace-pre-wrap text-slate-100">
                {result.output}
              </pre>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
