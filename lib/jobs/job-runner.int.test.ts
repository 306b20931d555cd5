import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { cancelJob, failInterruptedJobs, getJob, startJob, waitForJob } from "./job-runner";
import { endInterruptedWork } from "./recover-after-restart";
import { replicaId } from "./replica";

// The job runner against the real SQLite database.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that runs until cancelled, then cleans up; started, and given 100 ms to be under way. */
async function startCancellable(target: string): Promise<{ jobId: string; cleanedUp: () => boolean }> {
  let cleanedUp = false;
  const jobId = await startJob({
    kind: "test",
    target,
    actor: "tester",
    work: async ({ signal }) => {
      try {
        while (!signal.aborted) await sleep(20);
        throw signal.reason;
      } finally {
        cleanedUp = true;
      }
    },
  });
  await sleep(100);
  return { jobId, cleanedUp: () => cleanedUp };
}

describe("job runner", () => {
  it("reports progress while running and the result when done", async () => {
    const jobId = await startJob({
      kind: "test",
      target: "test:progress",
      actor: "tester",
      work: async ({ progress }) => {
        for (let done = 1; done <= 5; done++) {
          progress({ done, total: 5, unit: "files", message: `file ${done}` });
          await sleep(120);
        }
        return { files: 5 };
      },
    });
    await sleep(350);
    const midway = await getJob(jobId);
    expect(midway.state).toBe("running");
    expect(midway.progress.done).toBeGreaterThan(0);
    expect(midway.progress).toMatchObject({ total: 5, unit: "files" });
    const done = await waitForJob(jobId);
    expect(done).toMatchObject({
      state: "succeeded",
      result: { files: 5 },
      error: null,
      createdBy: "tester",
      progress: { done: 5, total: 5 },
    });
    expect(done.finishedAt).not.toBeNull();
  });

  it("fails with the error's sentence", async () => {
    const jobId = await startJob({
      kind: "test",
      target: "test:fail",
      actor: "tester",
      work: async () => {
        throw new AppError(502, "engine_unreachable", 'Kura cannot reach engine "local".');
      },
    });
    expect(await waitForJob(jobId)).toMatchObject({ state: "failed", error: 'Kura cannot reach engine "local".', result: null });
  });

  it("cancels: the job's signal aborts, its clean-up runs, the state says cancelled", async () => {
    const job = await startCancellable("test:cancel");
    expect((await cancelJob(job.jobId)).state).toBe("running");
    const ended = await waitForJob(job.jobId);
    expect(ended.state).toBe("cancelled");
    expect(job.cleanedUp()).toBe(true);
    const jobId = job.jobId;
    await expect(cancelJob(jobId)).rejects.toMatchObject({ status: 409, code: "job_finished" });
  });

  it("marks jobs left running by a previous process as failed", async () => {
    const orphan = await db.job.create({
      data: { kind: "test", target: "test:orphan", createdBy: "tester", state: "running", startedAt: new Date() },
    });
    expect((await failInterruptedJobs({ everyone: true })).map((job) => job.id)).toContain(orphan.id);
    expect(await getJob(orphan.id)).toMatchObject({ state: "failed", error: expect.stringContaining("Interrupted") });
  });

  // Issue 16: several dashboards on one database. "Another dashboard" is a row owned by another replica name.
  describe("with other dashboards on the database", () => {
    const otherJob = (leaseMs: number, target = "test:other") =>
      db.job.create({
        data: {
          kind: "test",
          target,
          createdBy: "tester",
          state: "running",
          startedAt: new Date(),
          owner: "other-dashboard-1",
          leaseUntil: new Date(Date.now() + leaseMs),
        },
      });

    it("a job started here is owned here, with a lease running into the future", async () => {
      const jobId = await startJob({ kind: "test", target: "test:lease", actor: "tester", work: async () => sleep(50) });
      const row = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      expect(row.owner).toBe(replicaId);
      expect(row.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
      await waitForJob(jobId);
    });

    it("a starting dashboard fails only the jobs whose lease ran out, never another's running job", async () => {
      const alive = await otherJob(60_000);
      const dead = await otherJob(-1000);
      const ended = (await failInterruptedJobs({ everyone: false })).map((job) => job.id);
      expect(ended).toContain(dead.id);
      expect(ended).not.toContain(alive.id);
      expect(await getJob(alive.id)).toMatchObject({ state: "running", error: null });
      expect(await getJob(dead.id)).toMatchObject({ state: "failed", error: expect.stringContaining("other-dashboard-1") });
      await db.job.update({ where: { id: alive.id }, data: { state: "succeeded", finishedAt: new Date() } });
    });

    it("the archive of a dead dashboard's job is failed, never complete; another's archive in progress is left alone", async () => {
      const archiveRow = (jobId: string) =>
        db.archive.create({
          data: {
            name: `replica test ${jobId}`,
            engineId: "local",
            engineName: "local",
            containerId: "c".repeat(64),
            containerName: "replica-test",
            image: "busybox",
            createdBy: "tester",
            jobId,
          },
        });
      const alive = await otherJob(60_000, "archive:alive");
      const dead = await otherJob(-1000, "archive:dead");
      const aliveArchive = await archiveRow(alive.id);
      const deadArchive = await archiveRow(dead.id);
      const ended = await endInterruptedWork({ everyone: false });
      expect(ended.jobs).toBeGreaterThanOrEqual(1);
      expect(await db.archive.findUniqueOrThrow({ where: { id: deadArchive.id } })).toMatchObject({ state: "failed" });
      expect(await db.archive.findUniqueOrThrow({ where: { id: aliveArchive.id } })).toMatchObject({ state: "creating" });
      await db.job.update({ where: { id: alive.id }, data: { state: "cancelled", finishedAt: new Date() } });
      await db.archive.deleteMany({ where: { id: { in: [aliveArchive.id, deadArchive.id] } } });
    });

    it("cancel of a job another dashboard runs is asked through its row; one nobody runs is a 409", async () => {
      const alive = await otherJob(60_000);
      expect((await cancelJob(alive.id)).state).toBe("running");
      expect(await db.job.findUniqueOrThrow({ where: { id: alive.id } })).toMatchObject({ cancelRequested: true });
      const dead = await otherJob(-1000);
      await expect(cancelJob(dead.id)).rejects.toMatchObject({ status: 409, code: "job_not_here" });
      await db.job.updateMany({ where: { id: { in: [alive.id, dead.id] } }, data: { state: "failed", finishedAt: new Date() } });
    });

    it("a job run here stops within about a second when another dashboard asks to cancel it", async () => {
      const job = await startCancellable("test:cancel-elsewhere");
      // What cancelJob writes on a dashboard that does not run the job.
      await db.job.update({ where: { id: job.jobId }, data: { cancelRequested: true } });
      const asked = Date.now();
      const ended = await waitForJob(job.jobId, 10_000);
      expect(ended.state).toBe("cancelled");
      expect(job.cleanedUp()).toBe(true);
      expect(Date.now() - asked).toBeLessThan(5000); // it looks every second
    });
  });

  it("an unknown job is a 404", async () => {
    await expect(getJob("nosuchjob")).rejects.toMatchObject({ status: 404, code: "job_not_found" });
  });
});
