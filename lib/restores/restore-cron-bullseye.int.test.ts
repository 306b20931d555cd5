import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, removeContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_SERVICE, createCronService, ensureCron, removeCronService } from "@/e2e/fixtures/cron";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { makeRestorePlan } from "./make-restore-plan";
import { startRestore } from "./restore-archive";

// Kura issue 13: a Debian 11 container with cron and logrotate installed with apt (priority "important", which an
// old planner took for base-system noise and left out: the restored container said `cron: not found`), a user
// crontab and an edited /etc/logrotate.d/ file. Archived, restored onto debian:trixie: cron runs, bob's crontab is
// there, logrotate parses the config with the edited file; and the plan says why cron is installed.

let cron: { name: string; id: string };
let archiveId = "";
const restoredName = uniqueName("kura-it-restored-cron");

describe("restore a Debian 11 cron + logrotate service onto debian:trixie", () => {
  beforeAll(async () => {
    ensureCron();
    cron = createCronService();
    const started = await startArchive({ engineId: "local", containerRef: cron.name, name: "cron it", actor: "tester" });
    archiveId = started.archiveId;
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
  }, 600_000);

  afterAll(() => {
    removeContainer(restoredName);
    if (cron) removeCronService(cron);
  });

  it("installs cron and logrotate: cron runs, bob's crontab is back, logrotate -d parses the edited config", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restoredName,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error === null || restore.step === "verify", restore.log).toBe(true);

    // What a user would notice first: the daemon is there and starts.
    exec(restoredName, ["cron"]);
    const running = exec(restoredName, ["sh", "-c", "cat /proc/[0-9]*/comm 2>/dev/null"]).split("\n");
    expect(running).toContain("cron");
    expect(exec(restoredName, ["crontab", "-l", "-u", CRON_SERVICE.user])).toContain(CRON_SERVICE.line);
    const rotate = exec(restoredName, ["sh", "-c", "logrotate -d /etc/logrotate.conf 2>&1"]);
    expect(rotate).toMatch(/reading config file apt/);
    expect(rotate).toContain(CRON_SERVICE.logrotateLog);
    expect(exec(restoredName, ["cat", CRON_SERVICE.logrotateFile])).toContain(CRON_SERVICE.logrotateLog);

    expect(restore.state, restore.log).toBe("succeeded");
    expect(restore.verification?.mismatches).toEqual([]);
    expect(restore.verification?.accounts).toContainEqual({ name: CRON_SERVICE.user, uid: CRON_SERVICE.uid, ok: true, problem: null });
  }, 900_000);

  it("the plan says why each package is installed or not, against debian:bullseye's own package list", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE });
    expect(view.packages.install).toEqual(expect.arrayContaining(["cron", "logrotate"]));
    expect(view.packages.originalBase).toMatchObject({ source: "lowest-layer", image: "debian:bullseye" });
    const decision = (name: string) => view.packages.decisions.find((candidate) => candidate.name === name);
    expect(decision("cron")).toMatchObject({
      install: true,
      installs: ["cron"],
      kind: "install",
      reason: "installed with apt after the base (apt-mark manual)",
    });
    expect(decision("logrotate")).toMatchObject({ install: true, kind: "install" });
    // The base's own packages and what apt pulled in are not installed by name, and the plan says why.
    expect(decision("apt")).toMatchObject({
      install: false,
      kind: "in-base-image",
      reason: "in the original base image (debian:bullseye's lowest layer)",
    });
    expect(decision("libpopt0")).toMatchObject({
      install: false,
      kind: "dependency",
      reason: "installed automatically as a dependency of logrotate",
    });
    expect(view.packages.decisions.filter((candidate) => candidate.install).map((candidate) => candidate.name)).toEqual([
      "cron",
      "logrotate",
    ]);
  }, 300_000);
});
