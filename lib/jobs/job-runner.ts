import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { processSingleton } from "@/lib/process-singleton";

// Long work runs in the dashboard's process as a Job row that the UI and scripts poll
// (GET /api/jobs/{id}). Progress is written at most a few times a second; cancel aborts the
// job's signal and the job's own code removes what it had half-made.

export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled";
/** `done`/`total` in `unit` drive the bar; `items` counts whole things beside it (an archive's files while the bar counts bytes). */
export type JobProgress = {
  done: number;
  total: number;
  unit: string;
  message: string;
  items?: { done: number; total: number; unit: string };
};
export type JobView = {
  id: string;
  kind: string;
  target: string;
  state: JobState;
  progress: JobProgress;
  result: unknown;
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type JobContext = {
  jobId: string;
  signal: AbortSignal;
  /** Report progress; cheap to call often (writes are throttled). */
  progress: (update: Partial<JobProgress>) => void;
};

type JobRow = {
  id: string;
  kind: string;
  target: string;
  state: string;
  progress: string;
  result: string | null;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

const PROGRESS_INTERVAL_MS = 250;
const running = processSingleton("jobs", () => new Map<string, AbortController>());

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    state: row.state as JobState,
    progress: { done: 0, total: 0, unit: "", message: "", ...(JSON.parse(row.progress) as Partial<JobProgress>) },
    result: row.result ? (JSON.parse(row.result) as unknown) : null,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export class JobCancelled extends Error {
  constructor() {
    super("The job was cancelled.");
    this.name = "JobCancelled";
  }
}

/** A sentence for the job's error field: our own errors as they are, anything else briefly. */
function describe(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}

/**
 * Create a job and run `work` in the background. Resolves with the job id as soon as the row
 * exists; `work`'s return value becomes the result. Throwing fails the job with the message; an
 * aborted signal (cancel) ends it as cancelled.
 */
export async function startJob<T>(input: {
  kind: string;
  target: string;
  actor: string;
  work: (context: JobContext) => Promise<T>;
}): Promise<string> {
  const row = await db.job.create({
    data: { kind: input.kind, target: input.target, createdBy: input.actor, state: "running", startedAt: new Date() },
  });
  const controller = new AbortController();
  running.set(row.id, controller);

  let latest: JobProgress = { done: 0, total: 0, unit: "", message: "" };
  let lastWrite = 0;
  let pendingWrite: NodeJS.Timeout | null = null;
  const writeProgress = () => {
    pendingWrite = null;
    lastWrite = Date.now();
    void db.job.update({ where: { id: row.id }, data: { progress: JSON.stringify(latest) } }).catch(() => undefined);
  };
  const context: JobContext = {
    jobId: row.id,
    signal: controller.signal,
    progress: (update) => {
      latest = { ...latest, ...update };
      if (pendingWrite) return;
      const wait = Math.max(0, PROGRESS_INTERVAL_MS - (Date.now() - lastWrite));
      pendingWrite = setTimeout(writeProgress, wait);
    },
  };

  void (async () => {
    let data: { state: JobState; result?: string; error?: string };
    try {
      const result = await input.work(context);
      data = controller.signal.aborted
        ? { state: "cancelled", error: "Cancelled; nothing was kept." }
        : { state: "succeeded", result: JSON.stringify(result ?? null) };
    } catch (error) {
      data =
        controller.signal.aborted || error instanceof JobCancelled
          ? { state: "cancelled", error: "Cancelled; nothing was kept." }
          : { state: "failed", error: describe(error) };
      if (data.state === "failed" && !(error instanceof AppError)) console.error(`[kura] job ${row.id} (${input.kind}) failed:`, error);
    } finally {
      running.delete(row.id);
      if (pendingWrite) clearTimeout(pendingWrite);
    }
    await db.job.update({ where: { id: row.id }, data: { ...data, progress: JSON.stringify(latest), finishedAt: new Date() } });
  })();
  return row.id;
}

export async function getJob(jobId: string): Promise<JobView> {
  const row = await db.job.findUnique({ where: { id: jobId } });
  if (!row) throw notFound("job_not_found", `No job with id "${jobId}".`);
  return toView(row);
}

export async function listJobs(filter: { state?: JobState; target?: string } = {}, limit = 100): Promise<JobView[]> {
  const rows = await db.job.findMany({ where: filter, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map(toView);
}

/** Ask a running job to stop. Its own cleanup removes what it had half-made. */
export async function cancelJob(jobId: string): Promise<JobView> {
  const job = await getJob(jobId);
  const controller = running.get(jobId);
  if (job.state !== "running" && job.state !== "queued")
    throw conflict("job_finished", `The job has already ${job.state === "succeeded" ? "succeeded" : `ended (${job.state})`}.`);
  if (!controller)
    throw conflict("job_not_here", "The job is not running in this dashboard process (it may have been interrupted by a restart).");
  controller.abort(new JobCancelled());
  return job;
}

/** Wait until a job has ended (for tests and scripts that run in-process). */
export async function waitForJob(jobId: string, timeoutMs = 120_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(jobId);
    if (job.state !== "running" && job.state !== "queued" && !running.has(jobId)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * At start-up: jobs left running by a previous process (a crash, a kill -9, a restart) cannot
 * finish; mark them failed so nobody waits for them. Their half-made files are each job kind's
 * own clean-up (for archives: the store's temporary folder).
 */
export async function failInterruptedJobs(): Promise<number> {
  const { count } = await db.job.updateMany({
    where: { state: { in: ["queued", "running"] }, id: { notIn: [...running.keys()] } },
    data: {
      state: "failed",
      error: "Interrupted: the dashboard stopped while this job was running. Nothing it had half-made was kept; start it again.",
      finishedAt: new Date(),
    },
  });
  return count;
}
