// POST /api/jobs/{jobId}/cancel: stop a running job; it removes what it had half-made
import { cancelJob as cancelJobEntry } from "@/lib/api/contract/jobs";
import { route } from "@/lib/api/route";
import { recordEvent } from "@/lib/audit/record-event";
import { cancelJob } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const POST = route(cancelJobEntry, async ({ params, actor }) => {
  const job = await cancelJob(params.jobId);
  await recordEvent({ actor, action: "job.cancel", target: job.target, detail: { jobId: job.id, kind: job.kind } });
  return job;
});
