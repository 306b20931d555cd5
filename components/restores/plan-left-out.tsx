import { formatBytes } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

type LeftOut = RestorePlanView["leftOut"];

function amount(count: number, folders: number, bytes: number): string {
  const parts = [`${count.toLocaleString("en")} ${count === 1 ? "entry" : "entries"}`];
  if (folders) parts.push(`${folders.toLocaleString("en")} ${folders === 1 ? "folder" : "folders"}`);
  if (bytes) parts.push(formatBytes(bytes));
  return parts.join(", ");
}

/** What the detection saw but the archive does not hold, grouped by why: said before the build, never in silence. */
export function PlanLeftOut({ leftOut }: { leftOut: LeftOut }) {
  const lost = leftOut.groups.filter((group) => !group.comesBack);
  const lostCount = lost.reduce((sum, group) => sum + group.count, 0);
  return (
    <Section title="Will not come back" testId="plan-left-out">
      {!leftOut.recorded ? (
        <p className="text-slate-600" data-testid="left-out-unrecorded">
          This archive predates Kura&apos;s record of what an archive leaves out, so it cannot say here what will not come back. Compare the
          archive&apos;s files with the container&apos;s changes, or archive the container again.
        </p>
      ) : !leftOut.groups.length ? (
        <p className="text-slate-600" data-testid="left-out-nothing">
          Everything the detection saw is in the archive.
        </p>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500" data-testid="left-out-total" data-count={lostCount}>
            What the detection saw in the container but the archive does not hold, by why. The restored service starts without it
            {lost.length < leftOut.groups.length ? " (unchanged package files excepted: they come back with their packages)" : ""}.
          </p>
          <ul className="space-y-1">
            {leftOut.groups.map((group) => (
              <li key={`${group.reason}:${group.rule ?? ""}`}>
                <details
                  data-testid="left-out-group"
                  data-reason={group.reason}
                  data-count={group.count}
                  data-folders={group.folders}
                  className={group.comesBack ? "text-slate-500" : ""}
                >
                  <summary className="cursor-pointer">
                    <span className="font-medium">{group.label}</span>{" "}
                    <span className="text-slate-500">— {amount(group.count, group.folders, group.bytes)}</span>
                  </summary>
                  <ul className="mt-1 mb-2 list-disc pl-5 font-mono text-xs" data-testid="left-out-examples">
                    {group.examples.map((path) => (
                      <li key={path}>{path}</li>
                    ))}
                    {group.examples.length < group.count + group.folders ? (
                      <li className="list-none font-sans text-slate-500">
                        {group.examples.some((path) => path.endsWith("/")) ? "(a folder stands for everything below it) " : ""}and more
                      </li>
                    ) : null}
                  </ul>
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
