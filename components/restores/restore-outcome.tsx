import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { DataTable } from "@/components/ui/data-table";
import type { RestoreView } from "@/lib/restores/types";
import { RestoreStateBadge } from "./restore-state-badge";
import { stepLabel, stepStatuses, type StepStatus } from "./restore-model";
import { ConfigCheckResults } from "./plan-config-checks";

const MISMATCHES_SHOWN = 200;

const marks: Record<StepStatus, { symbol: string; className: string }> = {
  done: { symbol: "✓", className: "text-emerald-700" },
  running: { symbol: "…", className: "font-medium text-sky-700" },
  failed: { symbol: "✗", className: "font-medium text-red-700" },
  cancelled: { symbol: "■", className: "font-medium text-amber-700" },
  pending: { symbol: "○", className: "text-slate-400" },
  skipped: { symbol: "–", className: "text-slate-400" },
};

function Steps({ restore }: { restore: RestoreView }) {
  return (
    <ol className="flex flex-wrap gap-x-5 gap-y-1 text-xs" aria-label="Restore steps">
      {stepStatuses(restore).map((entry) => (
        <li key={entry.step} data-step={entry.step} data-status={entry.status} className={marks[entry.status].className}>
          {marks[entry.status].symbol} {entry.label}
          {entry.status === "skipped" ? " (none given)" : ""}
        </li>
      ))}
    </ol>
  );
}

function Headline({ restore }: { restore: RestoreView }) {
  if (restore.state === "succeeded")
    return (
      <p>
        Restored: container <code className="font-mono text-xs">{restore.containerName}</code> runs image{" "}
        <code className="font-mono text-xs">{restore.imageTag}</code> on {restore.engineName}.
      </p>
    );
  if (restore.state === "running") return <p>Restoring: {stepLabel(restore.step).toLowerCase()}…</p>;
  return (
    <Banner tone={restore.state === "cancelled" ? "amber" : "red"} testId="restore-error">
      The restore {restore.state === "cancelled" ? "was cancelled" : "failed"} at “{stepLabel(restore.step)}”
      {restore.error ? `: ${restore.error}` : "."}
    </Banner>
  );
}

export function VerificationSummary({ verification }: { verification: NonNullable<RestoreView["verification"]> }) {
  const allOk = verification.filesOk === verification.filesChecked && verification.mismatches.length === 0;
  const accountProblems = verification.accounts.filter((account) => !account.ok);
  return (
    <div
      data-testid="verification-summary"
      data-files-checked={verification.filesChecked}
      data-files-ok={verification.filesOk}
      data-mismatches={verification.mismatches.length}
      className="space-y-2"
    >
      <h3 className="text-sm font-semibold text-slate-700">Verification</h3>
      <p>
        {allOk ? <Badge tone="green">all ok</Badge> : <Badge tone="red">{verification.mismatches.length} differ</Badge>}{" "}
        {allOk
          ? verification.filesChecked === 1
            ? "The one file matches the archive (content, mode and owner)."
            : `All ${verification.filesChecked.toLocaleString("en")} files match the archive (content, mode and owner).`
          : `${verification.filesOk.toLocaleString("en")} of ${verification.filesChecked.toLocaleString("en")} files match the archive.`}{" "}
        {verification.accounts.length
          ? accountProblems.length
            ? `${accountProblems.length} of ${verification.accounts.length} accounts differ.`
            : verification.accounts.length === 1
              ? "The account is as archived."
              : `All ${verification.accounts.length} accounts are as archived.`
          : ""}
      </p>
      {verification.mismatches.length ? (
        <DataTable columns={[{ label: "Path" }, { label: "Problem" }]} cellPadding="px-3 py-1">
          {verification.mismatches.slice(0, MISMATCHES_SHOWN).map((mismatch) => (
            <tr key={mismatch.path} data-testid="verification-mismatch" className="text-xs">
              <td className="px-3 py-1 font-mono">{mismatch.path}</td>
              <td className="px-3 py-1">{mismatch.problem}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {verification.mismatches.length > MISMATCHES_SHOWN ? (
        <p className="text-xs text-slate-500">
          Showing the first {MISMATCHES_SHOWN} of {verification.mismatches.length.toLocaleString("en")}.
        </p>
      ) : null}
      {verification.accounts.length ? (
        <DataTable columns={[{ label: "Account" }, { label: "UID", className: "text-right" }, { label: "State" }]} cellPadding="px-3 py-1">
          {verification.accounts.map((account) => (
            <tr key={account.name} data-testid="verification-account" data-ok={account.ok} className="text-xs">
              <td className="px-3 py-1 font-mono">{account.name}</td>
              <td className="px-3 py-1 text-right tabular-nums">{account.uid}</td>
              <td className="px-3 py-1">
                {account.ok ? <Badge tone="green">ok</Badge> : <span className="text-red-700">{account.problem ?? "differs"}</span>}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}

export function CheckResult({ check }: { check: NonNullable<RestoreView["check"]> }) {
  return (
    <div data-testid="check-result" data-ok={check.ok} data-exit-code={check.exitCode} className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-700">
        Service check:{" "}
        <span data-testid="service-answered" className={check.ok ? "text-emerald-700" : "text-red-700"}>
          {check.ok ? "the service answered" : "the service did not answer"}
        </span>
      </h3>
      <p>
        <code className="rounded bg-slate-100 px-1 font-mono text-xs">{check.command}</code>{" "}
        {check.ok ? <Badge tone="green">passed</Badge> : <Badge tone="red">failed</Badge>}{" "}
        <span className="text-slate-600">exit code {check.exitCode}</span>
      </p>
      {check.output ? (
        <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded-md bg-slate-950 p-3 font-mono text-xs text-slate-100">
          {check.output}
        </pre>
      ) : null}
    </div>
  );
}

/** One line on what the restore absorbed of the version differences (issue 14); the result page has the details. */
function AbsorbedSummary({ restore }: { restore: RestoreView }) {
  const merges = (restore.merges ?? []).filter((merge) => merge.status !== "new-file");
  const parts: string[] = [];
  if (merges.length) {
    const byStatus = new Map<string, number>();
    for (const merge of merges) byStatus.set(merge.status, (byStatus.get(merge.status) ?? 0) + 1);
    parts.push(
      `${merges.length} configuration file${merges.length === 1 ? "" : "s"} merged (${[...byStatus]
        .map(([status, count]) => `${count} ${status}`)
        .join(", ")})`,
    );
  }
  if (restore.pathMappings.length)
    parts.push(`${restore.pathMappings.length} versioned path${restore.pathMappings.length === 1 ? "" : "s"} mapped`);
  if (restore.appliedRules.length)
    parts.push(`${restore.appliedRules.length} migration rule${restore.appliedRules.length === 1 ? "" : "s"} applied`);
  // Issue 15: data converted in the build (a database across major versions), and what no step covered.
  const converted = (restore.conversions ?? []).filter((item) => item.status === "planned").map((item) => item.what);
  const atRisk = (restore.conversions ?? []).filter((item) => item.status === "not-covered").map((item) => item.what);
  if (converted.length) parts.push(`data converted: ${converted.join(", ")}`);
  if (atRisk.length) parts.push(`not converted (at risk): ${atRisk.join(", ")}`);
  if (!parts.length) return null;
  return (
    <p className="text-xs text-slate-600" data-testid="restore-absorbed">
      Version differences absorbed: {parts.join("; ")}. The result page lists each one.
    </p>
  );
}

/** What came of a restore: its state, which step it reached or failed at, the verification and the check. */
export function RestoreOutcome({ restore }: { restore: RestoreView }) {
  return (
    <div
      data-testid="restore-outcome"
      data-state={restore.state}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
    >
      <div className="flex items-center gap-2">
        <RestoreStateBadge state={restore.state} />
        <Steps restore={restore} />
      </div>
      <Headline restore={restore} />
      <AbsorbedSummary restore={restore} />
      <ConfigCheckResults results={restore.configChecks} />
      {restore.verification ? <VerificationSummary verification={restore.verification} /> : null}
      {restore.check ? (
        <CheckResult check={restore.check} />
      ) : restore.state === "succeeded" ? (
        <p className="text-xs text-slate-500">No check command was given, so none ran.</p>
      ) : null}
    </div>
  );
}
