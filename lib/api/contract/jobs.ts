import { z } from "zod";
import { jobParams, jobsQuery } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const jobViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.string(),
  state: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  /** `done`/`total` in `unit` drive the bar; `items` counts whole things beside it */
  progress: z.object({
    done: z.number(),
    total: z.number(),
    unit: z.string(),
    message: z.string(),
    items: z.object({ done: z.number(), total: z.number(), unit: z.string() }).optional(),
  }),
  /** what the job produced: an archive's ids, a verification's result… */
  result: z.unknown(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  /** The dashboard process that runs (or ran) it, when several share the database (issue 16); null for older jobs */
  runBy: z.string().nullable(),
});

export const listJobs = defineEntry({
  method: "GET",
  path: "/api/jobs",
  access: "viewer",
  summary: "Recent jobs, newest first",
  query: jobsQuery,
  status: 200,
  response: z.array(jobViewSchema),
  errors: {},
});

export const getJob = defineEntry({
  method: "GET",
  path: "/api/jobs/{jobId}",
  access: "viewer",
  summary:
    "A job: state (queued|running|succeeded|failed|cancelled), progress {done,total,unit,message, items?: {done,total,unit}}, " +
    "result, error",
  params: jobParams,
  status: 200,
  response: jobViewSchema,
  errors: { 404: "unknown job" },
});

export const cancelJob = defineEntry({
  method: "POST",
  path: "/api/jobs/{jobId}/cancel",
  access: "operator",
  summary:
    "Cancel a running job; it removes what it had half-made. Any dashboard on the database may be asked: the one running the job stops it within about a second",
  params: jobParams,
  status: 202,
  response: jobViewSchema,
  errors: { 404: "unknown job", 409: "already ended, or no dashboard runs it any more" },
});
