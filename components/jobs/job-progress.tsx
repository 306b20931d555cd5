"use client";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { formatBytes } from "@/components/ui/format";
import { useCancelJob } from "@/lib/queries/use-cancel-job";
import { useJob } from "@/lib/queries/use-job";
import type { ReactNode } from "react";
import type { JobView } from "@/lib/jobs/job-runner";

function amount(value: number, unit: string) {
  return unit === "bytes" ? formatBytes(value) : `${value.toLocaleString("en")} ${unit}`;
}

/** A running job's progress bar with cancel; the finished job's outcome; `children(job)` on success. */
export function JobProgress({ jobId, label, children }: { jobId: string; label: string; children?: (job: JobView) => ReactNode }) {
  const job = useJob(jobId);
  const cancel = useCancelJob();
  const canCancel = useCan("operator");
  const data = job.data;
  if (!data) return <div className="text-sm text-slate-500">Starting {label.toLowerCase()}…</div>;
  const { done, total, unit, message, items } = data.progress;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  if (data.state === "running" || data.state === "queued") {
    return (
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="job-progress" data-state={data.state}>
        <div className="flex items-center justify-between">
          <span className="font-medium">{label}</span>
          <Button
            variant="secondary"
            onClick={() => cancel.mutate(jobId)}
            disabled={cancel.isPending || !canCancel}
            title={canCancel ? undefined : needsRole("operator", "Cancelling a job")}
          >
            Cancel
          </Button>
        </div>
        <div
          className="h-2 overflow-hidden rounded bg-slate-100"
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div className="h-full bg-sky-600 transition-all" style={{ width: `${total > 0 ? percent : 5}%` }} />
        </div>
        <div className="text-xs text-slate-600">
          {message}
          {items && items.total > 0 ? ` · ${items.done.toLocaleString("en")} of ${amount(items.total, items.unit)}` : ""}
          {total > 0 ? ` · ${amount(done, unit)} of ${amount(total, unit)} (${percent}%)` : ""}
        </div>
      </div>
    );
  }
  if (data.state === "succeeded")
    return (
      <div data-testid="job-progress" data-state="succeeded">
        {children?.(data)}
      </div>
    );
  return (
    <Banner tone={data.state === "cancelled" ? "amber" : "red"} testId="job-failed">
      {label} {data.state}: {data.error}
    </Banner>
  );
}
