import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { ensureSshdImage, SSHD_COMMAND, SSHD_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { db } from "@/lib/db";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { startRestore } from "./restore-archive";

// Issue 14, item 5: the configuration is checked before the service runs. A Debian 11 OpenSSH server is
// archived twice: once as it is (restored onto trixie, `sshd -t` passes at the config-check step), once with
// a keyword trixie's sshd does not know in sshd_config (the restore stops at config-check with sshd's own
// message, and no container is started).

const source = uniqueName("kura-it-cfgcheck");
const good = uniqueName("kura-it-cfgcheck-good");
const broken = uniqueName("kura-it-cfgcheck-broken");
let goodArchive = "";
let brokenArchive = "";

async function archive(name: string): Promise<string> {
  const started = await startArchive({ engineId: "local", containerRef: source, name, actor: "tester" });
  expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  return started.archiveId;
}

describe("configuration checkers run before the restored service starts", () => {
  beforeAll(async () => {
    ensureSshdImage(dockerHost());
    runContainer({ name: source, image: SSHD_TAG, command: SSHD_COMMAND });
    exec(source, ["sh", "-c", "for i in $(seq 1 100); do [ -s /etc/ssh/ssh_host_ed25519_key.pub ] && exit 0; sleep 0.1; done; exit 1"]);
    exec(source, ["sh", "-c", "echo 'PasswordAuthentication no' >> /etc/ssh/sshd_config"]);
    goodArchive = await archive("config check, good");
    exec(source, ["sh", "-c", "echo 'KuraBogusKeyword yes' >> /etc/ssh/sshd_config"]);
    brokenArchive = await archive("config check, broken");
  }, 600_000);

  afterAll(() => {
    removeContainer(good);
    removeContainer(broken);
    removeContainer(source);
  });

  it("the plan lists sshd -t for openssh-server", async () => {
    const { view } = await makeRestorePlan(goodArchive, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    expect(view.configChecks.map((check) => [check.service, check.package, check.command])).toEqual([
      ["OpenSSH", "openssh-server", "sshd -t"],
    ]);
  }, 120_000);

  it("a configuration sshd accepts passes the step, and the result and the audit say so", async () => {
    const { jobId, restoreId } = await startRestore(goodArchive, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: good,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.configChecks).toEqual([
      expect.objectContaining({ service: "OpenSSH", command: "sshd -t", outcome: "passed", exitCode: 0 }),
    ]);
    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", detail: { contains: restoreId } } });
    expect(JSON.parse(event?.detail ?? "{}").configChecks).toEqual(["passed: sshd -t"]);
    // The checker's container is gone; the restored one runs.
    expect(exec(good, ["sh", "-c", "grep -c '^PasswordAuthentication no' /etc/ssh/sshd_config"])).toBe("1");
  }, 900_000);

  it("a keyword trixie's sshd refuses stops the restore at config-check with sshd's message, before any container starts", async () => {
    const { jobId, restoreId } = await startRestore(brokenArchive, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: broken,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error).toContain("config-check");
    expect(restore.state).toBe("failed");
    expect(restore.step).toBe("config-check");
    expect(restore.error).toContain("Bad configuration option: KuraBogusKeyword");
    expect(restore.configChecks).toEqual([expect.objectContaining({ command: "sshd -t", outcome: "failed", exitCode: 255 })]);
    expect(restore.containerId).toBeNull();
    const event = await db.auditEvent.findFirst({
      where: { action: "archive.restore", result: "failed", detail: { contains: restoreId } },
    });
    expect(JSON.parse(event?.detail ?? "{}").configChecks).toEqual(["failed: sshd -t"]);
    // Neither the restored container nor the checker's is left behind.
    expect(docker(["ps", "-aq", "--filter", `label=kura.restore=${restoreId}`])).toBe("");
  }, 900_000);

  it("a person who turns the checkers off gets the restore, with no check recorded", async () => {
    const { jobId, restoreId } = await startRestore(brokenArchive, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: broken,
      network: "none",
      configChecks: false,
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.configChecks).toEqual([]);
    expect(exec(broken, ["grep", "-c", "KuraBogusKeyword", "/etc/ssh/sshd_config"])).toBe("1");
  }, 900_000);
});
