"use client";
import Link from "next/link";
import { useState } from "react";
import { JobProgress } from "@/components/jobs/job-progress";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { formatBytes } from "@/components/ui/format";
import { useStartArchive } from "@/lib/queries/use-start-archive";
import { useCapturePlan } from "@/lib/queries/use-capture-plan";
import { ArchiveCaptureChoice, type QuiesceChoice } from "./archive-capture-choice";
import type { ArchiveJobResult } from "@/lib/queries/api-types";

type ArchiveSelectionProps = {
  engineId: string;
  containerRef: string;
  selectedEntries: number;
  selectedBytes: number;
  beforeArchive: () => Promise<void>;
};

/** "Archive" for the curated selection (operators); a viewer is told who may archive instead. */
export function ArchiveSelection(props: ArchiveSelectionProps) {
  const canArchive = useCan("operator");
  if (!canArchive)
    return (
      <div
        className="rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-500"
        data-testid="archive-selection"
        data-read-only="true"
      >
        {needsRole("operator", "Archiving")} You can review what an archive would keep; the ticks are read-only.
      </div>
    );
  return <ArchiveForm {...props} />;
}

/** A name, a note, then a progress bar until the archive is stored. */
function ArchiveForm({ engineId, containerRef, selectedEntries, selectedBytes, beforeArchive }: ArchiveSelectionProps) {
  const startArchive = useStartArchive(engineId, containerRef);
  const [name, setName] = useState("");
  const [note, setNote] = useState("");
  const [keepSecrets, setKeepSecrets] = useState(false);
  const [fetchPristines, setFetchPristines] = useState(true);
  const plan = useCapturePlan(engineId, containerRef);
  const [quiesceChoice, setQuiesce] = useState<QuiesceChoice | null>(null);
  const quiesce = quiesceChoice ?? plan.data?.defaultQuiesce ?? "live";
  const [captures, setCaptures] = useState(true);
  const started = startArchive.data;
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="archive-selection">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          void beforeArchive().then(() =>
            startArchive.mutate({ name: name || undefined, note: note || undefined, keepSecrets, fetchPristines, quiesce, captures }),
          );
        }}
      >
        <label>
          <span className="mb-1 block text-slate-600">Archive name</span>
          <input
            aria-label="Archive name"
            className="w-64 rounded-md border border-slate-300 px-3 py-1.5"
            placeholder="container name and date"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label className="min-w-64 flex-1">
          <span className="mb-1 block text-slate-600">Note</span>
          <input
            aria-label="Archive note"
            className="w-full rounded-md border border-slate-300 px-3 py-1.5"
            placeholder="why it was retired, who owned it…"
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
        <label
          className="flex items-center gap-2 py-1.5"
          title="Environment values whose names look secret (PASSWORD, TOKEN, KEY…) are left out of the manifest unless this is ticked."
        >
          <input type="checkbox" checked={keepSecrets} onChange={(event) => setKeepSecrets(event.target.checked)} />
          <span className="text-slate-600">Keep secret env values</span>
        </label>
        <label
          className="flex items-center gap-2 py-1.5"
          title={
            "Edited configuration files whose package was installed in the container itself: their package's original version is " +
            "fetched from the release's repository (over the build network), so a restore can merge the edits onto the new defaults."
          }
        >
          <input
            type="checkbox"
            aria-label="Fetch original configuration from the repository"
            checked={fetchPristines}
            onChange={(event) => setFetchPristines(event.target.checked)}
          />
          <span className="text-slate-600">Fetch original configuration from the repository</span>
        </label>
        <ArchiveCaptureChoice
          plan={plan.data}
          loading={plan.isLoading}
          quiesce={quiesce}
          onQuiesceChange={setQuiesce}
          captures={captures}
          onCapturesChange={setCaptures}
        />
        <Button type="submit" disabled={startArchive.isPending || selectedEntries === 0}>
          Archive {selectedEntries.toLocaleString("en")} selected entries ({formatBytes(selectedBytes)})
        </Button>
      </form>
      {startArchive.error ? <Banner tone="red">{startArchive.error.message}</Banner> : null}
      {started ? (
        <JobProgress key={started.jobId} jobId={started.jobId} label="Archiving">
          {(job) => {
            const result = job.result as ArchiveJobResult;
            return (
              <Banner tone="blue" testId="archive-done">
                Archived {result.files.toLocaleString("en")} files ({formatBytes(result.bytes)}); {formatBytes(result.storedBytes)} new in
                the store.{" "}
                {result.captures?.length ? (
                  <span data-testid="archive-done-captures">
                    Captured: {result.captures.map((capture) => `${capture.service} (${capture.name ?? capture.recipe})`).join(", ")}.{" "}
                  </span>
                ) : null}
                {result.warnings.length ? (
                  <strong data-testid="archive-done-warnings">
                    {result.warnings.length === 1 ? "One thing" : `${result.warnings.length} things`} could not be read as it was: the
                    archive lists what.{" "}
                  </strong>
                ) : null}
                <Link className="font-medium underline" href={`/archives/${result.archiveId}`}>
                  Open the archive
                </Link>
              </Banner>
            );
          }}
        </JobProgress>
      ) : null}
    </div>
  );
}
