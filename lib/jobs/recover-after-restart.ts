import { store } from "@/lib/store/store";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { failInterruptedJobs } from "./job-runner";
import { releaseAfterRestart } from "@/lib/archives/hold-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { processSingleton } from "@/lib/process-singleton";
import { databaseIsShared, jobLeaseMs } from "./replica";

const ARCHIVE_INTERRUPTED = "Interrupted: the dashboard stopped while this archive was being made. Archive again.";
const RESTORE_INTERRUPTED =
  "Interrupted: the dashboard stopped during this restore. Its image or container may be left on the engine (labelled kura.restore); restore again.";
/** Leftovers in the store's temporary folder younger than this may be another dashboard's writes (issue 16). */
const SHARED_TMP_AGE_MS = 60 * 60 * 1000;

/**
 * At start-up, after a crash, kill -9 or restart: jobs that were running are marked failed, archives they were making
 * are marked failed (never complete), restores they ran too, and half-written blobs in the store's temporary folder
 * are removed. On a shared database (PostgreSQL, several dashboards: issue 16) only what belonged to a dashboard whose
 * job leases ran out, and only leftovers older than an hour: the others may be running another dashboard's jobs.
 */
export async function recoverAfterRestart(): Promise<{ jobs: number; archives: number; temporaryFiles: number }> {
  const shared = databaseIsShared();
  const ended = await endInterruptedWork({ everyone: !shared });
  const temporaryFiles = await store.cleanTemporary(shared ? { olderThanMs: SHARED_TMP_AGE_MS } : {});
  return { ...ended, temporaryFiles };
}

/**
 * Ends the jobs nobody runs any more (failInterruptedJobs) and what they were making: archives left "creating" (never
 * listed complete), containers they had paused or stopped, restores left "running". `everyone`: all of them (the only
 * dashboard, starting); otherwise only those of jobs whose lease ran out.
 */
export async function endInterruptedWork(options: { everyone: boolean }): Promise<{ jobs: number; archives: number }> {
  const jobs = await failInterruptedJobs(options);
  const jobIds = jobs.map((job) => job.id);
  // An archive row is made just before its job: one with no job yet is orphaned once a lease's time has passed.
  const orphanedBefore = new Date(Date.now() - jobLeaseMs());
  const archiveWhere: Prisma.ArchiveWhereInput = options.everyone
    ? { state: "creating" }
    : { state: "creating", OR: [{ jobId: { in: jobIds } }, { jobId: null, createdAt: { lt: orphanedBefore } }] };
  if (!options.everyone && jobIds.length === 0) {
    const orphans = await db.archive.count({ where: archiveWhere });
    if (orphans === 0) return { jobs: 0, archives: 0 };
  }
  await releaseHeldContainers(archiveWhere);
  const { count: archives } = await db.archive.updateMany({ where: archiveWhere, data: { state: "failed", error: ARCHIVE_INTERRUPTED } });
  await db.restore.updateMany({
    where: options.everyone ? { state: "running" } : { state: "running", jobId: { in: jobIds } },
    data: { state: "failed", error: RESTORE_INTERRUPTED, finishedAt: new Date() },
  });
  return { jobs: jobs.length, archives };
}

/** Issue 15: containers an interrupted archive had paused or stopped for its copy are unpaused or started again. */
async function releaseHeldContainers(where: Prisma.ArchiveWhereInput): Promise<void> {
  const held = await db.archive.findMany({ where: { AND: [where, { holding: { not: null } }] } });
  for (const archive of held) {
    const engine = await getEngine(archive.engineId).catch(() => null);
    const released = engine ? await releaseAfterRestart(engine, archive.containerId, archive.holding!) : false;
    if (!released) console.warn(`[kura] could not ${archive.holding === "pause" ? "unpause" : "start"} ${archive.containerName} again.`);
    await db.archive.update({ where: { id: archive.id }, data: { holding: null } });
  }
}

const sweeper = processSingleton("interrupted-work-sweeper", (): { timer: NodeJS.Timeout | null; cleanedAt: number } => ({
  timer: null,
  cleanedAt: Date.now(),
}));
/** How often a dashboard on a shared database removes temporary leftovers older than SHARED_TMP_AGE_MS. */
const SHARED_TMP_CLEAN_EVERY_MS = 15 * 60 * 1000;

/**
 * On a shared database (issue 16), every dashboard looks for jobs whose dashboard died (their lease ran out) every
 * half lease, and ends them as at a restart; every 15 minutes it removes the store's temporary leftovers older than an
 * hour. Nothing to do with SQLite: there is no other dashboard.
 */
export function startSweepingInterruptedWork(): void {
  if (!databaseIsShared() || sweeper.timer) return;
  let busy = false;
  sweeper.timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      endInterruptedWork({ everyone: false })
        .then(async (ended) => {
          if (ended.jobs || ended.archives) console.warn("[kura] ended the work of a dashboard that stopped answering:", ended);
          // A dead dashboard's half-written uploads: once they are old enough to be nobody's write in progress.
          if (Date.now() - sweeper.cleanedAt >= SHARED_TMP_CLEAN_EVERY_MS) {
            sweeper.cleanedAt = Date.now();
            await store.cleanTemporary({ olderThanMs: SHARED_TMP_AGE_MS });
          }
        })
        .catch((error: unknown) =>
          console.warn("[kura] could not look for interrupted jobs:", error instanceof Error ? error.message : error),
        )
        .finally(() => {
          busy = false;
        });
    },
    Math.max(500, jobLeaseMs() / 2),
  );
  sweeper.timer.unref();
}
