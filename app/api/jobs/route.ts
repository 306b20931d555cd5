// GET /api/jobs?state=&target=: recent jobs, newest first
import { NextResponse } from "next/server";
import { readQuery, route } from "@/lib/api/route";
import { jobsQuery } from "@/lib/api/schemas";
import { listJobs } from "@/lib/jobs/job-runner";

export const dynamic = "force-dynamic";

export const GET = route(async ({ request }) => NextResponse.json(await listJobs(readQuery(request, jobsQuery))));
