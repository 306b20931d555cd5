"use client";
import Link from "next/link";
import { useState } from "react";
import { useCan } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { formatDate } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Field, Section } from "@/components/ui/section";
import type { RestoreView } from "@/lib/restores/types";
import { restoreEnded, useRestore } from "@/lib/queries/use-restore";
import { BuildLog } from "./build-log";
import { CodeView } from "./code-view";
import { PlanWarnings } from "./plan-warnings";
import { PathMappingList } from "./plan-path-mappings";
import { ConversionList } from "./plan-conversions";
import { RestoreOutcome } from "./restore-outcome";
import { RestoreStateBadge } from "./restore-state-badge";

const shortId = (id: string | null) => (id ? id.replace(/^sha256:/, "").slice(0, 12) : null);

function formatDuration(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, Math.round((new Date(toIso).getTime() - new Date(fromIso).getTime()) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** One restore, start to finish; polls while it runs. */
export function RestoreResult({ restoreId, initial }: { restoreId: string; initial?: RestoreView }) {
  const query = useRestore(restoreId, initial);
  const [logShown, setLogShown] = useState<boolean | null>(null);
  const canRestore = useCan("operator");
  const restore = query.data;
  if (query.error && !restore)
    return (
      <Banner tone="red" testId="page-error">
        {query.error.message}
      </Banner>
    );
  if (!restore) return <p className="text-sm text-slate-500">Loading the restore…</p>;
  const ended = restoreEnded(restore.state);
  // The log is open while the restore runs and when it did not succeed; the reader's click wins.
  const showLog = logShown ?? restore.state !== "succeeded";

  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/archives">
          Archives
        </Link>
        {" / "}
        <Link className="text-sky-700 hover:underline" href={`/archives/${restore.archiveId}`}>
          {restore.archiveName}
        </Link>
      </div>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Restore of {restore.archiveName} <RestoreStateBadge state={restore.state} />
          </span>
        }
        description={`Container ${restore.containerName} on ${restore.baseImage} (${restore.engineName}), started ${formatDate(restore.createdAt)} by ${restore.createdBy}.`}
        actions={
          canRestore ? (
            <Link
              href={`/archives/${restore.archiveId}/restore`}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
            >
              Restore again…
            </Link>
          ) : null
        }
      />
      <div className="space-y-4">
        <RestoreOutcome restore={restore} />
        <PlanWarnings warnings={restore.warnings} />
        <div className="grid gap-4 lg:grid-cols-2">
          <Section title="Summary" testId="restore-summary">
            <dl>
              <Field label="State">
                <RestoreStateBadge state={restore.state} />{" "}
                {restore.state === "running" ? <span className="text-xs text-slate-500">(updates every second)</span> : null}
              </Field>
              <Field label="Archive">
                <Link className="text-sky-700 hover:underline" href={`/archives/${restore.archiveId}`}>
                  {restore.archiveName}
                </Link>
              </Field>
              <Field label="Engine">{restore.engineName}</Field>
              <Field label="Base image">
                <code className="font-mono text-xs">{restore.baseImage}</code>
              </Field>
              <Field label="Image" testId="restore-image">
                <code className="font-mono text-xs">{restore.imageTag}</code>{" "}
                {restore.imageId ? (
                  <span className="font-mono text-xs text-slate-500">{shortId(restore.imageId)}</span>
                ) : (
                  <span className="text-xs text-slate-400">not built</span>
                )}
              </Field>
              <Field label="Container" testId="restore-container">
                <code className="font-mono text-xs">{restore.containerName}</code>{" "}
                {restore.containerId ? (
                  <span className="font-mono text-xs text-slate-500">{shortId(restore.containerId)}</span>
                ) : (
                  <span className="text-xs text-slate-400">not created</span>
                )}
              </Field>
              <Field label="Started">
                {formatDate(restore.createdAt)} by {restore.createdBy}
              </Field>
              <Field label="Finished">
                {restore.finishedAt
                  ? `${formatDate(restore.finishedAt)} (${formatDuration(restore.createdAt, restore.finishedAt)})`
                  : "not yet"}
              </Field>
              <Field label="Dockerfile">{restore.dockerfileEdited ? <Badge tone="violet">edited by hand</Badge> : "as generated"}</Field>
            </dl>
          </Section>
          <Section title={`Versioned paths mapped (${restore.pathMappings.length})`} testId="restore-path-mappings">
            <PathMappingList mappings={restore.pathMappings} rewrites={restore.rewrites} />
          </Section>
          {restore.conversions?.length ? (
            <Section title={`Data conversions (${restore.conversions.length})`} testId="restore-conversions">
              <ConversionList conversions={restore.conversions} />
            </Section>
          ) : null}
          <Section title={`Migration rules applied (${restore.appliedRules.length})`} testId="restore-applied-rules">
            {restore.appliedRules.length ? (
              <ul className="list-disc space-y-0.5 pl-5 text-xs">
                {restore.appliedRules.map((rule, index) => (
                  <li key={index} className="font-mono">
                    {rule}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-slate-500">None applied.</p>
            )}
          </Section>
        </div>
        {restore.merges?.some((merge) => merge.status !== "new-file") ? (
          <Section title="Configuration merges" testId="restore-merges">
            <ul className="space-y-0.5 text-xs">
              {restore.merges
                .filter((merge) => merge.status !== "new-file")
                .map((merge) => (
                  <li key={merge.path} data-testid="restore-merge" data-status={merge.status}>
                    <code className="font-mono">{merge.path}</code>{" "}
                    <Badge tone={merge.status === "conflict" ? "red" : merge.status === "kept-as-is" ? "gray" : "green"}>
                      {merge.status}
                    </Badge>{" "}
                    <span className="text-slate-500">{merge.reason}</span>
                    {merge.pristineOrigin ? <span className="text-slate-500"> (old default {merge.pristineOrigin})</span> : null}
                  </li>
                ))}
            </ul>
          </Section>
        ) : null}
        {restore.dockerfileEdited ? (
          <Section title="Dockerfile changes" testId="restore-dockerfile-changes">
            <p className="mb-2 text-xs text-slate-500">
              The Dockerfile was edited before the build; this is the edited one against the one Kura generated.
            </p>
            <CodeView
              code={restore.dockerfileDiff || "(no textual difference)"}
              language="diff"
              testId="dockerfile-diff"
              label="Dockerfile changes"
            />
          </Section>
        ) : null}
        {restore.dockerfile ? (
          <details className="rounded-lg border border-slate-200 bg-white text-sm">
            <summary className="cursor-pointer px-4 py-2 font-semibold text-slate-700">Dockerfile that was built</summary>
            <div className="px-4 pb-3">
              <CodeView
                code={restore.dockerfile}
                language="dockerfile"
                testId="restore-dockerfile-built"
                label="Dockerfile that was built"
              />
            </div>
          </details>
        ) : null}
        <Section title="Build log" testId="restore-build-log">
          <Button variant="secondary" aria-expanded={showLog} onClick={() => setLogShown(!showLog)}>
            {showLog ? "Hide the build log" : "Show the build log"}
          </Button>
          {showLog ? (
            <div className="mt-3">
              <BuildLog log={restore.log ?? ""} running={!ended} />
            </div>
          ) : null}
        </Section>
      </div>
    </>
  );
}
