import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { cancelJob, failInterruptedJobs, getJob, startJob, waitForJob } from "./job-runner";

// The job runner against the real SQLite database.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    let cleanedUp = false;
    const jobId = await startJob({
      kind: "test",
      target: "test:cancel",
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
    expect((await cancelJob(jobId)).state).toBe("running");
    const ended = await waitForJob(jobId);
    expect(ended.state).toBe("cancelled");
    expect(cleanedUp).toBe(true);
    await expect(cancelJob(jobId)).rejects.toMatchObject({ status: 409, code: "job_finished" });
  });

  it("marks jobs left running by a previous process as failed", async () => {
    const orphan = await db.job.create({
      data: { kind: "test", target: "test:orphan", createdBy: "tester", state: "running", startedAt: new Date() },
    });
    expect(await failInterruptedJobs()).toBeGreaterThanOrEqual(1);
    expect(await getJob(orphan.id)).toMatchObject({ state: "failed", error: expect.stringContaining("Interrupted") });
  });

  it("an unknown job is a 404", async () => {
    await expect(getJob("nosuchjob")).rejects.toMatchObject({ status: 404, code: "job_not_found" });
  });
});
