import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { processSingleton } from "@/lib/process-singleton";
import { jobLeaseMs, replicaId } from "./replica";

// Long work runs in the dashboard's process as a Job row that the UI and scripts poll
// (GET /api/jobs/{id}). Progress is written at most a few times a second; cancel aborts the
// job's signal and the job's own code removes what it had half-made.
//
// Several dashboards on one database (issue 16): a job is run by the dashboard that started it (its
// owner), which renews the job's lease while it runs. Cancel asked on another dashboard sets
// cancelRequested, which the owner reads within a second; progress is in the row, so any dashboard
// shows it. A job whose lease ran out (its dashboard died) is ended by failInterruptedJobs.

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
  runBy: string | null;
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
  owner: string | null;
};

const PROGRESS_INTERVAL_MS = 250;
/** How often the owner looks for cancel asked elsewhere (and renews leases, every third look or so). */
const WATCH_INTERVAL_MS = 1000;
const running = processSingleton("jobs", () => new Map<string, AbortController>());
const watcher = processSingleton("job-watcher", (): { timer: NodeJS.Timeout | null; renewedAt: number; busy: boolean } => ({
  timer: null,
  renewedAt: 0,
  busy: false,
}));

const leaseFromNow = () => new Date(Date.now() + jobLeaseMs());

/** While this process runs jobs: abort those cancelled on another dashboard, and renew their leases. */
async function watchRunningJobs(): Promise<void> {
  if (watcher.busy) return;
  watcher.busy = true;
  try {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    const cancelled = await db.job.findMany({ where: { id: { in: ids }, cancelRequested: true }, select: { id: true } });
    for (const { id } of cancelled) running.get(id)?.abort(new JobCancelled());
    if (Date.now() - watcher.renewedAt >= jobLeaseMs() / 3) {
      watcher.renewedAt = Date.now();
      await db.job.updateMany({ where: { id: { in: ids }, state: "running" }, data: { leaseUntil: leaseFromNow(), owner: replicaId } });
    }
  } catch (error) {
    console.warn("[kura] could not check this dashboard's running jobs:", error instanceof Error ? error.message : error);
  } finally {
    watcher.busy = false;
  }
}

function startWatching(): void {
  if (watcher.timer) return;
  watcher.timer = setInterval(() => {
    if (running.size === 0) {
      clearInterval(watcher.timer!);
      watcher.timer = null;
      return;
    }
    void watchRunningJobs();
  }, WATCH_INTERVAL_MS);
  watcher.timer.unref();
}

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
    runBy: row.owner,
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
    data: {
      kind: input.kind,
      target: input.target,
      createdBy: input.actor,
      state: "running",
      startedAt: new Date(),
      owner: replicaId,
      leaseUntil: leaseFromNow(),
    },
  });
  const controller = new AbortController();
  running.set(row.id, controller);
  watcher.renewedAt = Date.now();
  startWatching();

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

/**
 * Ask a running job to stop. Its own cleanup removes what it had half-made. A job another dashboard runs (issue 16)
 * is asked through its row: its owner aborts it within a second or two.
 */
export async function cancelJob(jobId: string): Promise<JobView> {
  const job = await getJob(jobId);
  const controller = running.get(jobId);
  if (job.state !== "running" && job.state !== "queued")
    throw conflict("job_finished", `The job has already ${job.state === "succeeded" ? "succeeded" : `ended (${job.state})`}.`);
  if (controller) {
    controller.abort(new JobCancelled());
    return job;
  }
  const { count } = await db.job.updateMany({
    where: { id: jobId, state: { in: ["queued", "running"] }, leaseUntil: { gt: new Date() } },
    data: { cancelRequested: true },
  });
  if (count === 0)
    throw conflict(
      "job_not_here",
      "No dashboard is running this job any more (the one that ran it stopped); it is marked failed shortly, and nothing it half-made is kept.",
    );
  return getJob(jobId);
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
 * Jobs that cannot finish: left running by a previous process of this dashboard (a crash, a kill -9, a restart), or by
 * another dashboard whose lease ran out (issue 16). Marked failed so nobody waits for them; returns their ids and
 * targets so each job kind's own leftovers are ended too (archives, restores). `everyone`: every job not running in
 * this process (at the start of the only dashboard on a SQLite database); otherwise only jobs whose lease has run out,
 * so a dashboard starting never fails the jobs another one is running.
 */
export async function failInterruptedJobs(options: { everyone: boolean }): Promise<{ id: string; target: string }[]> {
  const now = new Date();
  const where = {
    state: { in: ["queued", "running"] },
    id: { notIn: [...running.keys()] },
    ...(options.everyone ? {} : { OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] }),
  };
  const jobs = await db.job.findMany({ where, select: { id: true, target: true, owner: true } });
  if (jobs.length === 0) return [];
  const ended: { id: string; target: string }[] = [];
  for (const job of jobs) {
    // Re-checked in the update: the owner may have renewed the lease, or ended the job, since the read.
    const { count } = await db.job.updateMany({
      where: { ...where, id: job.id },
      data: {
        state: "failed",
        error: options.everyone
          ? "Interrupted: the dashboard stopped while this job was running. Nothing it had half-made was kept; start it again."
          : `Interrupted: the dashboard running this job${job.owner ? ` (${job.owner})` : ""} stopped answering. Nothing it had half-made was kept; start it again.`,
        finishedAt: now,
      },
    });
    if (count) ended.push({ id: job.id, target: job.target });
  }
  return ended;
}
