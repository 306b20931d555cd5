import { store } from "@/lib/store/store";
import { db } from "@/lib/db";
import { failInterruptedJobs } from "./job-runner";
import { releaseAfterRestart } from "@/lib/archives/hold-container";
import { getEngine } from "@/lib/engines/engine-registry";

/**
 * At start-up, after a crash, kill -9 or restart: jobs that were running are marked failed,
 * archives they were making are marked failed (never complete), and half-written blobs in the
 * store's temporary folder are removed.
 */
export async function recoverAfterRestart(): Promise<{ jobs: number; archives: number; temporaryFiles: number }> {
  const jobs = await failInterruptedJobs();
  await releaseHeldContainers();
  const { count: archives } = await db.archive.updateMany({
    where: { state: "creating" },
    data: { state: "failed", error: "Interrupted: the dashboard stopped while this archive was being made. Archive again." },
  });
  await db.restore.updateMany({
    where: { state: "running" },
    data: {
      state: "failed",
      error:
        "Interrupted: the dashboard stopped during this restore. Its image or container may be left on the engine (labelled kura.restore); restore again.",
      finishedAt: new Date(),
    },
  });
  const temporaryFiles = await store.cleanTemporary();
  return { jobs, archives, temporaryFiles };
}

/** Issue 15: containers an interrupted archive had paused or stopped for its copy are unpaused or started again. */
async function releaseHeldContainers(): Promise<void> {
  const held = await db.archive.findMany({ where: { state: "creating", holding: { not: null } } });
  for (const archive of held) {
    const engine = await getEngine(archive.engineId).catch(() => null);
    const released = engine ? await releaseAfterRestart(engine, archive.containerId, archive.holding!) : false;
    if (!released) console.warn(`[kura] could not ${archive.holding === "pause" ? "unpause" : "start"} ${archive.containerName} again.`);
    await db.archive.update({ where: { id: archive.id }, data: { holding: null } });
  }
}
