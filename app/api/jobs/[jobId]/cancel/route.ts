// POST /api/jobs/{jobId}/cancel: stop a running job; it removes what it had half-made
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { jobParams } from "@/lib/api/schemas";
import { cancelJob } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const POST = route<{ jobId: string }>(async ({ params }) => NextResponse.json(await cancelJob(jobParams.parse(params).jobId), { status: 202 }));
