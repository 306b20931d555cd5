"use client";
import { Section } from "@/components/ui/section";
import { formatBytes, formatDate } from "@/components/ui/format";
import type { Capture, Quiesce } from "@/lib/archives/manifest";

const HELD: Record<Quiesce["mode"], string> = {
  live: "kept running during the copy",
  pause: "paused during the copy",
  stop: "stopped during the copy",
};

/** Issue 15: the capture recipes' outputs (database dumps) beside the raw files, and how the container was held. */
export function ArchiveCaptures({ captures, quiesce }: { captures: Capture[] | undefined; quiesce: Quiesce | undefined }) {
  if (!captures && !quiesce) return null;
  const list = captures ?? [];
  return (
    <Section title={`Captures (${list.length})`} testId="archive-captures">
      {quiesce ? (
        <p className="mb-2 text-xs text-slate-600" data-testid="archive-quiesce" data-mode={quiesce.mode}>
          The container was {HELD[quiesce.mode]}
          {quiesce.mode === "live" ? "" : quiesce.restarted ? ", and runs again." : "; Kura could not start it again (see the warnings)."}
        </p>
      ) : null}
      {list.length === 0 ? (
        <p className="text-slate-500">No capture recipe ran (none matched its packages, or the container was not running).</p>
      ) : (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">Recipe</th>
              <th className="py-1 pr-3 font-medium">Package</th>
              <th className="py-1 pr-3 font-medium">Server version</th>
              <th className="py-1 pr-3 font-medium">Command (as user)</th>
              <th className="py-1 pr-3 font-medium">Output</th>
              <th className="py-1 font-medium">Finished</th>
            </tr>
          </thead>
          <tbody>
            {list.map((capture) => (
              <tr
                key={`${capture.recipe}:${capture.name ?? ""}`}
                data-testid="archive-capture"
                data-recipe={capture.recipe}
                className="align-top"
              >
                <td className="py-1 pr-3 font-medium">
                  {capture.service} <span className="font-mono text-slate-500">{capture.recipe}</span>
                </td>
                <td className="py-1 pr-3 font-mono">
                  {capture.package} {capture.packageVersion}
                </td>
                <td className="py-1 pr-3" data-testid="archive-capture-version">
                  {capture.serverVersion || <span className="text-slate-400">unknown</span>}
                </td>
                <td className="py-1 pr-3 font-mono">
                  {capture.argv.join(" ")} <span className="text-slate-500">({capture.user})</span>
                </td>
                <td className="py-1 pr-3" data-testid="archive-capture-output">
                  {capture.name ? (
                    <>
                      <span className="font-mono">captures/{capture.name}</span>, {formatBytes(capture.size)}
                    </>
                  ) : (
                    <span className="text-slate-500">none (made the raw files consistent)</span>
                  )}
                </td>
                <td className="py-1">{formatDate(capture.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
