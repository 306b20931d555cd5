// GET /api/jobs/{jobId}: state, progress, result or error of long work
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { jobParams } from "@/lib/api/schemas";
import { getJob } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const GET = route<{ jobId: string }>(async ({ params }) => NextResponse.json(await getJob(jobParams.parse(params).jobId)));
