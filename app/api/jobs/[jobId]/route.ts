// GET /api/jobs/{jobId}: state, progress, result or error of long work
import { getJob as getJobEntry } from "@/lib/api/contract/jobs";
import { route } from "@/lib/api/route";
import { getJob } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const GET = route(getJobEntry, async ({ params }) => getJob(params.jobId));
