"use client";
import { useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Badge, type Tone } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { useMergeConflicts } from "@/lib/queries/use-merge-conflicts";
import { useSaveMergeResolution } from "@/lib/queries/use-save-merge-resolution";
import type { MergeConflict, RestorePlanView } from "@/lib/restores/types";

type Merge = NonNullable<RestorePlanView["merges"]>[number];

const statuses: Record<Merge["status"], { label: string; tone: Tone }> = {
  merged: { label: "merged cleanly", tone: "green" },
  "unchanged-by-admin": { label: "new default", tone: "blue" },
  resolved: { label: "conflict resolved", tone: "violet" },
  conflict: { label: "conflict", tone: "red" },
  "kept-as-is": { label: "kept as is", tone: "gray" },
  "new-file": { label: "new file", tone: "gray" },
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Conflicts a person has not resolved yet: the restore refuses to start while there are any. */
export function unresolvedConflicts(merges: RestorePlanView["merges"]): string[] {
  return (merges ?? []).filter((merge) => merge.status === "conflict").map((merge) => merge.path);
}

/**
 * The three-way merge of each archived configuration file (issue 14): one row per file with its status and why; each
 * conflict shows the three versions side by side and an editable merged text (prefilled with conflict markers) to save.
 */
export function PlanConfigMerges({
  archiveId,
  engineId,
  baseImage,
  merges,
}: {
  archiveId: string;
  engineId: string;
  baseImage: string;
  merges: RestorePlanView["merges"];
}) {
  const withConflicts = (merges ?? []).some((merge) => merge.status === "conflict" || merge.status === "resolved");
  const conflicts = useMergeConflicts(archiveId, { engineId, baseImage }, withConflicts);
  if (!merges)
    return (
      <Section title="Configuration merges" testId="restore-plan-merges">
        <p className="text-slate-500" data-testid="merges-unknown">
          The archived configuration files are merged with the new packages&apos; defaults once the packages are installed: the first
          restore onto {baseImage} computes it (and stops before the rest of the build if a file needs a person).
        </p>
      </Section>
    );
  const shown = merges.filter((merge) => merge.status !== "new-file");
  const newFiles = merges.length - shown.length;
  return (
    <Section title={`Configuration merges (${plural(unresolvedConflicts(merges).length, "conflict")})`} testId="restore-plan-merges">
      {shown.length ? (
        <DataTable columns={[{ label: "File" }, { label: "Package" }, { label: "Status" }]} cellPadding="px-3 py-1.5">
          {shown.map((merge) => (
            <tr key={merge.path} data-testid="plan-merge" data-path={merge.path} data-status={merge.status} className="align-top text-xs">
              <td className="min-w-48 px-3 py-1.5 font-mono break-all">{merge.path}</td>
              <td className="px-3 py-1.5 font-mono">{merge.package ?? "—"}</td>
              <td className="min-w-40 px-3 py-1.5">
                <Badge tone={statuses[merge.status].tone}>{statuses[merge.status].label}</Badge>
                <div className="mt-0.5 text-slate-500">{merge.reason}</div>
                {merge.pristineOrigin ? (
                  <div className="mt-0.5 text-slate-500" data-testid="plan-merge-pristine">
                    Old default: {merge.pristineOrigin}
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p className="text-slate-500">No archived file is a package&apos;s configuration.</p>
      )}
      {newFiles ? (
        <p className="mt-2 text-xs text-slate-500">{newFiles} other configuration file(s) no package ships come back as archived.</p>
      ) : null}
      {conflicts.error ? <Banner tone="red">Cannot load the conflicts: {conflicts.error.message}</Banner> : null}
      {(conflicts.data?.conflicts ?? []).map((conflict) => (
        <ConflictEditor key={`${conflict.path}:${conflict.newDefaultSha256}`} archiveId={archiveId} conflict={conflict} />
      ))}
    </Section>
  );
}

function ConflictEditor({ archiveId, conflict }: { archiveId: string; conflict: MergeConflict }) {
  const canSave = useCan("operator");
  const save = useSaveMergeResolution(archiveId);
  const [text, setText] = useState(conflict.resolution?.text ?? conflict.withMarkers);
  const hasMarkers = /^(<<<<<<<|\|\|\|\|\|\|\||=======|>>>>>>>)( |$)/m.test(text);
  const versions: [string, string][] = [
    ["Old default", conflict.pristine],
    ["Admin's edit (archived)", conflict.edited],
    [`New default${conflict.newPackage ? ` (${conflict.newPackage})` : ""}`, conflict.newDefault],
  ];
  return (
    <div className="mt-4 rounded-md border border-slate-200 p-3" data-testid="merge-conflict" data-path={conflict.path}>
      <div className="mb-2 flex items-center gap-2 text-xs">
        <code className="font-mono font-semibold">{conflict.path}</code>
        <Badge tone={conflict.status === "resolved" ? "violet" : "red"}>{conflict.status === "resolved" ? "resolved" : "conflict"}</Badge>
        <span className="text-slate-500">{conflict.reason}</span>
      </div>
      {conflict.pristineOrigin ? (
        <p className="mb-2 text-xs text-slate-500" data-testid="merge-conflict-pristine">
          Old default: {conflict.pristineOrigin}
        </p>
      ) : null}
      {conflict.hunks.length ? (
        <div className="mb-3 space-y-2" data-testid="merge-hunks">
          {conflict.hunks.map((hunk) => (
            <div key={hunk.line} className="grid gap-2 text-[11px] lg:grid-cols-3">
              {(
                [
                  ["Old default", hunk.pristine],
                  ["Admin's edit", conflict.masked ? null : hunk.edited],
                  [`New default, line ${hunk.line}`, hunk.newDefault],
                ] as const
              ).map(([label, lines]) => (
                <div key={label} className="min-w-0">
                  <div className="text-slate-500">{label}</div>
                  <pre className="overflow-auto rounded bg-amber-50 p-1.5 font-mono leading-4 whitespace-pre">
                    {lines === null ? "(hidden)" : lines.length ? lines.join("\n") : "(no lines)"}
                  </pre>
                </div>
              ))}
            </div>
          ))}
        </div>
      ) : null}
      <div className="grid gap-2 lg:grid-cols-3">
        {versions.map(([label, content]) => (
          <div key={label} className="min-w-0">
            <div className="mb-1 text-xs font-medium text-slate-600">{label}</div>
            <pre
              className="max-h-72 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] leading-4 whitespace-pre"
              data-testid="merge-version"
              aria-label={label}
            >
              {content}
            </pre>
          </div>
        ))}
      </div>
      {conflict.masked ? (
        <p className="mt-3 text-xs text-slate-600" data-testid="merge-conflict-masked">
          The archived texts (the admin&apos;s edit, the merged text) are archived file content: operators and admins see them.
        </p>
      ) : null}
      <label className={`mt-3 text-xs font-medium text-slate-600 ${conflict.masked ? "hidden" : "block"}`}>
        Merged text (what the restore puts at {conflict.path})
        <textarea
          aria-label={`Merged text of ${conflict.path}`}
          data-testid="merge-resolution-text"
          className="mt-1 block h-64 w-full rounded-md border border-slate-300 p-2 font-mono text-[11px] leading-4"
          value={text}
          readOnly={!canSave}
          onChange={(event) => setText(event.target.value)}
          spellCheck={false}
        />
      </label>
      <div className="mt-2 flex items-center gap-3 text-xs">
        {canSave ? (
          <Button
            onClick={() => save.mutate({ path: conflict.path, newDefaultSha256: conflict.newDefaultSha256, text })}
            disabled={save.isPending || hasMarkers}
            data-testid="merge-resolution-save"
          >
            {save.isPending ? "Saving…" : "Save resolution"}
          </Button>
        ) : (
          <span className="font-medium text-slate-700">{needsRole("operator", "Resolving a conflict")}</span>
        )}
        {hasMarkers ? (
          <span className="text-amber-700">
            Remove the conflict markers (&lt;&lt;&lt;&lt;&lt;&lt;&lt; … &gt;&gt;&gt;&gt;&gt;&gt;&gt;) first.
          </span>
        ) : null}
        {conflict.resolution ? (
          <span className="text-slate-500">
            Saved by {conflict.resolution.savedBy} at {conflict.resolution.savedAt.slice(0, 16).replace("T", " ")}
          </span>
        ) : null}
        {save.error ? <span className="text-red-700">{save.error.message}</span> : null}
      </div>
    </div>
  );
}
