// GET /api/jobs?state=&target=: recent jobs, newest first
import { listJobs as listJobsEntry } from "@/lib/api/contract/jobs";
import { route } from "@/lib/api/route";
import { listJobs } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const GET = route(listJobsEntry, async ({ query }) => listJobs(query));
