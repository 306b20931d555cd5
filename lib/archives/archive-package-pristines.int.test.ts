import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_DEBS_TAG, ensureCronDebsImage, ensureSshdImage, SSHD_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { inspectImage } from "@/lib/docker/inspect-image";
import { getEngine } from "@/lib/engines/engine-registry";
import { fetchPackagePristines } from "./fetch-package-pristines";
import { getRestore } from "@/lib/restores/restore-registry";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { startRestore } from "@/lib/restores/restore-archive";
import { store } from "@/lib/store/store";
import { waitForJob } from "../jobs/job-runner";
import { startArchive, type StartArchiveInput } from "./archive-container";
import { readManifest } from "./archive-registry";

// Issue 14, "else the old package": a conffile whose package was installed in the container itself (dpkg -i of
// cron's .deb in the running container) exists only in the writable layer, so the image holds no pristine version.
// The archive fetches cron's exact version from the release's repository over the build network and keeps its
// /etc/crontab (md5 equal to dpkg's record); a restore onto debian:trixie then merges the admin's job three-way.
// Without a network, or for a package no repository has, the archive still completes and says why.

const JOB = "17 4\t* * *\troot\t/usr/local/bin/kura-nightly";
const md5 = (bytes: Buffer | string) => createHash("md5").update(bytes).digest("hex");
const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

async function readBlob(sha: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function archive(name: string, extra: Partial<StartArchiveInput> = {}) {
  const started = await startArchive({ engineId: "local", containerRef: name, name: `${name} pristine`, actor: "tester", ...extra });
  const job = await waitForJob(started.jobId, 600_000);
  expect(job.error).toBeNull();
  return { archiveId: started.archiveId, manifest: (await readManifest(started.archiveId))!, result: job.result as ArchiveResult };
}
type ArchiveResult = { warnings: { code: string; message: string }[] };

/** dpkg's record of a conffile's md5 in the container (the package's own version of it). */
function dpkgConffileMd5(container: string, pkg: string, file: string): string {
  const status = exec(container, ["dpkg-query", "-W", "-f=${Conffiles}", pkg]);
  const line = status.split("\n").find((candidate) => candidate.trim().startsWith(`${file} `));
  return line!.trim().split(/\s+/)[1]!;
}

const service = uniqueName("kura-it-pkg-pristine");
const local = uniqueName("kura-it-pkg-pristine-local");
const restoredName = uniqueName("kura-it-restored-pkg-pristine");
let crontabPristine = "";

describe("pristine versions fetched from the old package (the package installed in the container)", () => {
  beforeAll(() => {
    ensureCronDebsImage(process.env.DOCKER_HOST!);
    runContainer({ name: service, image: CRON_DEBS_TAG });
    exec(service, ["sh", "-c", "dpkg -i /root/debs/*.deb > /dev/null"]);
    // The package's own /etc/crontab, before the admin's edit.
    crontabPristine = exec(service, ["cat", "/etc/crontab"]) + "\n";
    exec(service, ["sh", "-c", `printf '%s\\n' "$1" >> /etc/crontab`, "sh", JOB]);
    runContainer({ name: local, image: CRON_DEBS_TAG });
    exec(local, ["sh", "-c", "dpkg -i /root/debs/*.deb /root/local-debs/*.deb > /dev/null"]);
    exec(local, ["sh", "-c", `printf '%s\\n' "$1" >> /etc/crontab`, "sh", JOB]);
    exec(local, ["sed", "-i", "s/^colour = blue$/colour = green/", "/etc/kura-demo.conf"]);
  }, 600_000);

  afterAll(() => {
    for (const name of [restoredName, service, local]) removeContainer(name);
  });

  it("keeps cron's own /etc/crontab, fetched from the release's repository, whose md5 is dpkg's record", async () => {
    // The image holds no crontab at all: the package came with dpkg -i in the container.
    expect(() => docker(["run", "--rm", "--network", "none", "--entrypoint", "cat", CRON_DEBS_TAG, "/etc/crontab"])).toThrow();
    const { manifest, result } = await archive(service);
    const entry = manifest.entries.find((candidate) => candidate.path === "/etc/crontab");
    expect(entry).toMatchObject({ source: "layer", package: "cron", conffile: "dpkg" });
    expect(entry!.pristineWhy).toBe("from cron 3.0pl1-137's package, fetched from the release's repository");
    const pristine = await readBlob(entry!.pristineSha256!);
    expect(md5(pristine)).toBe(dpkgConffileMd5(service, "cron", "/etc/crontab"));
    expect(pristine).toBe(crontabPristine);
    expect(entry!.pristineSha256).toBe(sha256(crontabPristine));
    expect(await readBlob(entry!.sha256!)).toContain(JOB);
    expect(result.warnings.filter((warning) => warning.code === "pristine-not-fetched")).toEqual([]);
    // The helper image is gone (its removal may finish just after the archive).
    await expect.poll(() => docker(["images", "-q", "--filter", "label=kura.role=pristine-fetch"]), { timeout: 60_000 }).toBe("");
  }, 600_000);

  it("restores onto debian:trixie with a real three-way merge of the admin's job onto trixie's crontab", async () => {
    const { archiveId } = await archive(service);
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
    const merge = (restore.merges ?? []).find((candidate) => candidate.path === "/etc/crontab");
    expect(merge, restore.log).toMatchObject({ package: "cron", status: "merged" });
    expect(merge!.reason).toContain("apply cleanly onto the new default of cron");
    expect(merge!.pristineOrigin).toBe("from cron 3.0pl1-137's package, fetched from the release's repository");
    const crontab = exec(restoredName, ["cat", "/etc/crontab"]);
    expect(crontab).toContain(JOB);
    // Lines the admin never touched take trixie's default (bullseye's were `( cd / && ... )` and another PATH).
    expect(crontab).toContain("{ cd / && run-parts --report /etc/cron.daily; }");
    expect(crontab).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    // The plan preview says the same, with where the pristine version came from.
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, lookupStage: true });
    expect(view.merges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "/etc/crontab", status: "merged", pristineOrigin: expect.stringContaining("cron 3.0pl1-137") }),
      ]),
    );
  }, 900_000);

  it("completes and says why for a package no repository has, and for every package without a network", async () => {
    const withNetwork = await archive(local);
    const demo = withNetwork.manifest.entries.find((candidate) => candidate.path === "/etc/kura-demo.conf");
    expect(demo).toMatchObject({ source: "layer", package: "kura-demo", conffile: "dpkg", pristineSha256: null });
    expect(demo!.pristineWhy).toContain("kura-demo 1.0's package is not in the release's repository");
    const crontab = withNetwork.manifest.entries.find((candidate) => candidate.path === "/etc/crontab");
    expect(md5(await readBlob(crontab!.pristineSha256!))).toBe(dpkgConffileMd5(local, "cron", "/etc/crontab"));
    const demoWarnings = withNetwork.result.warnings.filter((warning) => warning.code === "pristine-not-fetched");
    expect(demoWarnings).toHaveLength(1);
    expect(demoWarnings[0]!.message).toContain("/etc/kura-demo.conf (kura-demo 1.0)");

    const started = Date.now();
    const offline = await archive(local, { pristineNetwork: "none" });
    // No network fails fast: no timeout is waited for.
    expect(Date.now() - started).toBeLessThan(90_000);
    for (const file of ["/etc/crontab", "/etc/kura-demo.conf"]) {
      const entry = offline.manifest.entries.find((candidate) => candidate.path === file);
      expect(entry).toMatchObject({ pristineSha256: null });
      expect(entry!.pristineWhy).toContain("the release's repository could not be reached from the build network");
    }
    const warnings = offline.result.warnings.filter((warning) => warning.code === "pristine-not-fetched");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^The pristine versions of 2 configuration file\(s\) could not be fetched .*reached/);

    // Turned off for the archive: nothing is fetched, and the entries say so.
    const off = await archive(local, { fetchPristines: false });
    const offEntry = off.manifest.entries.find((candidate) => candidate.path === "/etc/crontab");
    expect(offEntry).toMatchObject({ pristineSha256: null });
    expect(offEntry!.pristineWhy).toContain("fetching it from its package was turned off for this archive");
  }, 900_000);

  it("finds a ucf file's pristine version under the path the package ships it, by the md5 ucf recorded", async () => {
    ensureSshdImage(process.env.DOCKER_HOST!);
    const probe = uniqueName("kura-it-ucf-probe");
    runContainer({ name: probe, image: SSHD_TAG });
    try {
      const hashfile = exec(probe, ["cat", "/var/lib/ucf/hashfile"]);
      const digest = /^([0-9a-f]{32})\s+\/etc\/ssh\/sshd_config$/m.exec(hashfile)![1]!;
      const version = exec(probe, ["dpkg-query", "-W", "-f=${Version}", "openssh-server"]);
      const shipped = exec(probe, ["cat", "/usr/share/openssh/sshd_config"]);
      const engine = await getEngine("local");
      const image = await inspectImage(engine, SSHD_TAG);
      const want = { path: "/etc/ssh/sshd_config", package: "openssh-server", version, kind: "ucf" as const, md5: digest };
      const { read, problem } = await fetchPackagePristines(engine, image!.id, [want], {
        networkMode: process.env.KURA_BUILD_NETWORK,
        signal: new AbortController().signal,
      });
      expect(problem).toBeNull();
      const pristine = read.get("/etc/ssh/sshd_config")!;
      expect(pristine.why).toBe(
        `from openssh-server ${version}'s package (as /usr/share/openssh/sshd_config), fetched from the release's repository`,
      );
      expect(md5(pristine.content!)).toBe(digest);
      expect(pristine.content!.toString("utf8").trimEnd()).toBe(shipped.trimEnd());
    } finally {
      removeContainer(probe);
    }
  }, 600_000);
});
