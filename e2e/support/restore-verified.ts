import { expect } from "vitest";
import { BOOKWORM } from "@/e2e/fixtures/containers";
import { waitForJob } from "@/lib/jobs/job-runner";
import { startRestore } from "@/lib/restores/restore-archive";
import { getRestore } from "@/lib/restores/restore-registry";

/**
 * For integration tests: restore an archive onto `baseImage` (Debian 12 by default) as container `containerName`,
 * without network, and expect the job to succeed with every archived file verified. Returns the restore.
 */
export async function restoreVerified(archiveId: string, containerName: string, baseImage = BOOKWORM) {
  const { jobId, restoreId } = await startRestore(archiveId, {
    engineId: "local",
    baseImage,
    containerName,
    network: "none",
    actor: "tester",
  });
  const job = await waitForJob(jobId, 900_000);
  const restore = await getRestore(restoreId);
  expect(job.error, restore.log).toBeNull();
  expect(restore.verification?.mismatches).toEqual([]);
  return restore;
}
