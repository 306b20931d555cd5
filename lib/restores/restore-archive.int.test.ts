import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, exec, removeContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { createSambaService, ensureSamba, removeSambaService, sambaCheckCommand, type SambaService } from "@/e2e/fixtures/samba";
import { db } from "@/lib/db";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { makeRestorePlan } from "./make-restore-plan";
import { startRestore } from "./restore-archive";

// The paper's scenario, by Kura alone: Samba on Debian 12 with a user (useradd + smbpasswd), a
// share and a file; archive; restore onto debian:trixie (Samba 4.22); smbclient as that user
// fetches the file in the restored container, pdbedit lists the user, the base's accounts stay.

let samba: SambaService;
let archiveId = "";
const restoredName = uniqueName("kura-it-restored-samba");
const failedName = uniqueName("kura-it-restore-fail");
const proposedName = uniqueName("kura-it-restored-proposed");

/** The fixture's check (argv for bash -c with positional values) as one `sh -c` command line. */
function checkCommandLine(service: SambaService): string {
  const [, , script, , ...values] = sambaCheckCommand(service);
  return `set -- ${values.join(" ")}\n${script}`;
}

describe("restore the Samba service onto debian:trixie", () => {
  beforeAll(async () => {
    ensureSamba();
    samba = createSambaService();
    const started = await startArchive({ engineId: "local", containerRef: samba.name, name: "samba it", actor: "tester" });
    archiveId = started.archiveId;
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
  }, 600_000);

  afterAll(() => {
    for (const name of [restoredName, failedName, proposedName]) removeContainer(name);
    if (samba) removeSambaService(samba);
  });

  it("rebuilds it, the user fetches the file over SMB, and the data and accounts verify", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restoredName,
      checkCommand: checkCommandLine(samba),
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.verification?.mismatches).toEqual([]);
    expect(restore.verification?.filesOk).toBeGreaterThan(0);
    expect(restore.verification?.accounts).toContainEqual({ name: "alice", uid: 1500, ok: true, problem: null });
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
    expect(restore.check?.output.trim()).toBe(samba.file.content.trim());
    // The packages stage on the build network, the rest (payload, restore script) without one.
    expect(restore.log).toMatch(
      /The kura-packages stage, on the build network[\s\S]*The rest of the image, without network[\s\S]*COPY --from=kura-restore \/kura\/stage\/ \//,
    );

    // Samba 4.22 on trixie, the archived user in its database, the base's system accounts intact.
    expect(exec(restoredName, ["smbd", "--version"])).toMatch(/Version 4\.2[2-9]/);
    expect(exec(restoredName, ["pdbedit", "-L"])).toMatch(/^alice:1500:/m);
    expect(exec(restoredName, ["id", "-u", "alice"])).toBe("1500");
    const trixiePasswd = docker(["run", "--rm", "--network", "none", TRIXIE, "cat", "/etc/passwd"]).split("\n");
    const restoredPasswd = exec(restoredName, ["cat", "/etc/passwd"]).split("\n");
    for (const line of trixiePasswd) expect(restoredPasswd).toContain(line);
    expect(exec(restoredName, ["stat", "-c", "%U %a", "/srv/share/report.txt"])).toMatch(/^alice /);

    const events = await db.auditEvent.findMany({ where: { action: "archive.restore", target: `archive:${archiveId}` } });
    expect(events.some((event) => event.result === "ok" && event.detail.includes(restoreId))).toBe(true);
  }, 900_000);

  it("the check Kura proposes asks Samba itself: a dead smbd fails the restore at the check, a running one answers", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE });
    expect(view.serviceChecks.proposed.map((check) => check.service)).toContain("Samba");
    // The archived container ran `sleep infinity` (its smbd was started by hand): restored as it was, nothing serves SMB.
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: proposedName,
      checkCommand: view.serviceChecks.command,
      network: "none",
      actor: "tester",
    });
    await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(restore.step, restore.log).toBe("check");
    expect(restore.state).toBe("failed");
    expect(restore.verification?.mismatches).toEqual([]);
    expect(restore.check).toMatchObject({ ok: false });
    // The files were all there; the service was not. With smbd started, the same check passes on smbclient's own listing.
    const answered = exec(proposedName, [
      "sh",
      "-c",
      `smbd --foreground --no-process-group </dev/null >/dev/null 2>&1 & ${view.serviceChecks.command}`,
    ]);
    expect(answered).toMatch(/Sharename[\s\S]*archive/);
  }, 900_000);

  it("a build that fails (a package that does not exist) ends failed with the build error, leaving no container", async () => {
    const planned = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: failedName,
      dockerfile: `FROM ${TRIXIE}\nRUN apt-get update && apt-get install -y kura-no-such-package-exists\n`,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(planned.jobId, 600_000);
    expect(job.state).toBe("failed");
    const restore = await getRestore(planned.restoreId);
    expect(restore.state).toBe("failed");
    expect(restore.step).toBe("build");
    expect(restore.error).toMatch(/build failed/i);
    expect(restore.log).toMatch(/Unable to locate package kura-no-such-package-exists/);
    // An edited Dockerfile without the kura-packages stage gets no build network at all.
    expect(restore.log).toContain("The Dockerfile has no kura-packages stage, so all of it is built without network");
    expect(restore.dockerfileEdited).toBe(true);
    expect(() => docker(["inspect", failedName])).toThrow();
    expect(docker(["images", "-q", restore.imageTag])).toBe("");
  }, 600_000);
});
