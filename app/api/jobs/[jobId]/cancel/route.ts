// POST /api/jobs/{jobId}/cancel: stop a running job; it removes what it had half-made
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { jobParams } from "@/lib/api/schemas";
import { recordEvent } from "@/lib/audit/record-event";
import { cancelJob } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const POST = route<{ jobId: string }>(async ({ params, actor }) => {
  const job = await cancelJob(jobParams.parse(params).jobId);
  await recordEvent({ actor, action: "job.cancel", target: job.target, detail: { jobId: job.id, kind: job.kind } });
  return NextResponse.json(job, { status: 202 });
});
