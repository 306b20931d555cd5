import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { db } from "@/lib/db";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { listMergeConflicts } from "./list-merge-conflicts";
import { makeRestorePlan } from "./make-restore-plan";
import { saveMergeResolution } from "./merge-resolution-store";
import { startRestore } from "./restore-archive";

// Issue 14, configuration merged rather than overwritten: a Debian 11 cron container whose admin added a job to
// /etc/crontab and set EXTRA_OPTS in /etc/default/cron, archived and restored onto debian:trixie (cron 3.0pl1-137 ->
// trixie's). trixie's crontab changed other lines (PATH, `{ ...; }` instead of `( ... )`): the admin's job is merged
// onto it. trixie's /etc/default/cron changed the very line the admin changed (#EXTRA_OPTS="" -> EXTRA_OPTS=""):
// a conflict. The restore stops at the merge step and leaves no restored image or container; the conflict is listed
// with its three versions; after a person saves a resolution the restore succeeds with both files as merged.

const JOB = "30 2\t* * *\troot\t/usr/local/bin/kura-backup";
const service = uniqueName("kura-it-merge-cron");
const restoredName = uniqueName("kura-it-restored-merge");
let archiveId = "";

describe("three-way configuration merge in a restore onto debian:trixie", () => {
  beforeAll(async () => {
    ensureCron();
    runContainer({ name: service, image: CRON_IMAGE });
    exec(service, ["sh", "-c", `printf '%s\\n' "$1" >> /etc/crontab`, "sh", JOB]);
    exec(service, ["sed", "-i", 's/^#EXTRA_OPTS=""$/EXTRA_OPTS="-L 5"/', "/etc/default/cron"]);
    exec(service, ["chmod", "0640", "/etc/default/cron"]);
    const started = await startArchive({ engineId: "local", containerRef: service, name: "merge it", actor: "tester" });
    archiveId = started.archiveId;
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
  }, 600_000);

  afterAll(() => {
    removeContainer(restoredName);
    removeContainer(service);
  });

  it("stops at the merge step on a conflict, says which file, and leaves no restored image or container", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restoredName,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 900_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toContain("merge step");
    expect(restore).toMatchObject({ state: "failed", step: "merge", containerId: null });
    expect(restore.error).toContain("/etc/default/cron");
    const statuses = Object.fromEntries((restore.merges ?? []).map((merge) => [merge.path, merge.status]));
    expect(statuses).toMatchObject({ "/etc/crontab": "merged", "/etc/default/cron": "conflict" });
    expect(() => docker(["image", "inspect", restore.imageTag])).toThrow();
    // The audit says what needs a person.
    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", result: "failed" }, orderBy: { at: "desc" } });
    expect(JSON.parse(event!.detail)).toMatchObject({ restoreId, merges: expect.arrayContaining(["conflict: /etc/default/cron"]) });
    expect(docker(["ps", "-aq", "--filter", `name=^${restoredName}$`])).toBe("");
  }, 900_000);

  it("lists the conflict with its three versions, and the plan preview says what each file gets", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, lookupStage: true });
    expect(view.merges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/etc/crontab", package: "cron", status: "merged" }),
        expect.objectContaining({ path: "/etc/default/cron", package: "cron", status: "conflict" }),
      ]),
    );
    const { known, conflicts } = await listMergeConflicts(archiveId, { engineId: "local", baseImage: TRIXIE });
    expect(known).toBe(true);
    expect(conflicts.map((conflict) => conflict.path)).toEqual(["/etc/default/cron"]);
    const [conflict] = conflicts;
    expect(conflict!.pristine).toContain('\n#EXTRA_OPTS=""\n');
    expect(conflict!.edited).toContain('\nEXTRA_OPTS="-L 5"\n');
    expect(conflict!.newDefault).toContain('\nEXTRA_OPTS=""\n');
    expect(conflict!.withMarkers).toContain("<<<<<<< admin's edit (archived)");
    expect(conflict!.resolution).toBeNull();
  }, 300_000);

  it("restores after a person saves a resolution: the job merged onto trixie's crontab, the resolution in /etc/default/cron", async () => {
    const { conflicts } = await listMergeConflicts(archiveId, { engineId: "local", baseImage: TRIXIE });
    const conflict = conflicts[0]!;
    const resolved = conflict.newDefault.replace('\nEXTRA_OPTS=""\n', '\nEXTRA_OPTS="-L 5"\n');
    await saveMergeResolution(archiveId, {
      path: conflict.path,
      newDefaultSha256: conflict.newDefaultSha256,
      text: resolved,
      actor: "tester",
    });

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
    expect(restore.state, restore.log).toBe("succeeded");
    expect(restore.verification?.mismatches).toEqual([]);
    const statuses = Object.fromEntries((restore.merges ?? []).map((merge) => [merge.path, merge.status]));
    expect(statuses).toMatchObject({ "/etc/crontab": "merged", "/etc/default/cron": "resolved" });

    const crontab = exec(restoredName, ["cat", "/etc/crontab"]);
    expect(crontab).toContain(JOB);
    // Lines the admin never touched take trixie's default.
    expect(crontab).toContain("{ cd / && run-parts --report /etc/cron.daily; }");
    expect(crontab).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(exec(restoredName, ["cat", "/etc/default/cron"])).toBe(resolved.trimEnd());
    // One packages stage image is kept for this archive and base (the preview reads it), not one per restore.
    const { packagesStageKey } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE });
    expect(docker(["images", "-q", "--filter", `label=kura.packages-stage=${packagesStageKey}`]).split("\n")).toHaveLength(1);
    // The archived owner and mode.
    expect(exec(restoredName, ["stat", "-c", "%a %U", "/etc/default/cron"])).toBe("640 root");

    const event = await db.auditEvent.findFirst({ where: { action: "archive.restore", result: "ok" }, orderBy: { at: "desc" } });
    expect(JSON.parse(event!.detail)).toMatchObject({
      restoreId,
      merges: expect.arrayContaining(["merged: /etc/crontab", "resolved: /etc/default/cron"]),
    });
  }, 900_000);
});
