"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { JobProgress } from "@/components/jobs/job-progress";
import { Banner } from "@/components/ui/banner";
import { Section } from "@/components/ui/section";
import { queryKeys } from "@/lib/queries/keys";
import { useJob } from "@/lib/queries/use-job";
import { restoreEnded, useRestore } from "@/lib/queries/use-restore";
import { BuildLog } from "./build-log";
import { RestoreOutcome } from "./restore-outcome";

/** A started restore: the job's progress, the build log as it grows, then the outcome. */
export function RestoreRun({ archiveId, jobId, restoreId }: { archiveId: string; jobId: string; restoreId: string }) {
  const queryClient = useQueryClient();
  const job = useJob(jobId);
  const restore = useRestore(restoreId);
  const jobRunning = !job.data || job.data.state === "running" || job.data.state === "queued";
  const ended = restore.data ? restoreEnded(restore.data.state) : false;

  // The archive's list of restores shows the new state once it is final.
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: queryKeys.archiveRestores(archiveId) });
  }, [ended, queryClient, archiveId]);

  return (
    <Section title="Restore" testId="restore-run">
      <div className="space-y-3">
        {jobRunning ? <JobProgress jobId={jobId} label="Restoring" /> : null}
        {restore.error ? <Banner tone="red">Cannot read the restore: {restore.error.message}</Banner> : null}
        <BuildLog log={restore.data?.log ?? ""} running={!ended} />
        {restore.data && ended ? (
          <>
            <RestoreOutcome restore={restore.data} />
            <p>
              <Link className="font-medium text-sky-700 hover:underline" href={`/restores/${restoreId}`}>
                Open the result page
              </Link>
            </p>
          </>
        ) : !jobRunning ? (
          <p className="text-xs text-slate-500">Finishing…</p>
        ) : null}
      </div>
    </Section>
  );
}
