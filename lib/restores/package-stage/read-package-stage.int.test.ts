import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { docker, dockerHost, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import { getEngine } from "@/lib/engines/engine-registry";
import { readStageForPlan } from "@/lib/restores/make-restore-plan";
import { readPackageStage } from "./read-package-stage";

// Issue 14: what a restore reads from its packages stage (the new base with the packages installed), here from a real
// image with cron and logrotate installed by apt: versions, conffiles, file lists, maintainer scripts, NEWS.Debian,
// and the text of asked-for files; a folder, a symlink and a missing path give null; no probe container is left.

const inImage = (argv: string[]) =>
  execFileSync("docker", ["-H", dockerHost(), "run", "--rm", "--network", "none", "--entrypoint", argv[0]!, CRON_IMAGE, ...argv.slice(1)], {
    encoding: "utf8",
  });
const probes = () => docker(["ps", "-aq", "--filter", "label=kura.role=package-stage-probe"]);

describe("readPackageStage", () => {
  it("reads kura-test/cron:bullseye's packages and files", async () => {
    ensureCron();
    const engine = await getEngine("local");
    const imageId = docker(["image", "inspect", "--format", "{{.Id}}", CRON_IMAGE]);
    const before = probes();
    const facts = await readPackageStage(engine, imageId, ["/etc/logrotate.conf", "/etc/cron.d", "/etc/localtime", "/etc/no-such-file"]);
    expect(probes()).toBe(before);
    expect(facts.imageId).toBe(imageId);

    const versions = inImage(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "cron", "logrotate"]).trim().split("\n");
    for (const line of versions) {
      const [name, version] = line.split(" ");
      expect(facts.packages[name!]?.version).toBe(version);
    }
    const logrotate = facts.packages.logrotate!;
    const conf = inImage(["cat", "/etc/logrotate.conf"]);
    expect(logrotate.conffiles).toContainEqual({
      path: "/etc/logrotate.conf",
      md5: createHash("md5").update(conf).digest("hex"),
      obsolete: false,
      removeOnUpgrade: false,
    });
    expect(logrotate.files).toContain("/usr/sbin/logrotate");
    expect(facts.packages.cron!.maintscripts.postinst).toMatch(/^#!/);
    // cron ships a NEWS.Debian.gz: read and uncompressed.
    const news = execFileSync(
      "docker",
      ["-H", dockerHost(), "run", "--rm", "--network", "none", "--entrypoint", "zcat", CRON_IMAGE, "/usr/share/doc/cron/NEWS.Debian.gz"],
      { encoding: "utf8" },
    );
    expect(facts.packages.cron!.news).toBe(news);
    expect(facts.packages.logrotate!.news).toContain("logrotate (3.8.0-1)");
    expect(facts.packages.libpopt0!.news).toBeNull(); // ships none

    expect(facts.files["/etc/logrotate.conf"]).toBe(conf);
    expect(facts.fileSha256).toEqual({ "/etc/logrotate.conf": createHash("sha256").update(conf).digest("hex") });
    expect(facts.files["/etc/cron.d"]).toBeNull(); // a folder
    expect(facts.files["/etc/localtime"]).toBeNull(); // a symlink is never followed
    expect(facts.files["/etc/no-such-file"]).toBeNull();
    expect(facts.warnings).toEqual([]);
  }, 300_000);

  it("reads a stage image once for a plan: the second read (a preview after the restore) does not touch the engine", async () => {
    ensureCron();
    const engine = await getEngine("local");
    // An image of its own (the cron image and a label), so no other test's reads are counted.
    const tag = `kura-test/stage-cache:${uniqueName("it")}`;
    execFileSync("docker", ["-H", dockerHost(), "build", "--network", "none", "-q", "-t", tag, "-"], {
      input: `FROM ${CRON_IMAGE}\nLABEL kura.test.stage-cache=${tag.split(":")[1]}\n`,
    });
    try {
      const imageId = docker(["image", "inspect", "--format", "{{.Id}}", tag]);
      const manifest = makeManifest({
        archive: { id: uniqueName("archive"), name: "cache", note: "", createdAt: "2024-01-01T00:00:00.000Z", createdBy: "admin" },
        entries: [makeEntry("/etc/logrotate.conf", "file", { conffile: "dpkg" })],
      });
      const since = Math.floor(Date.now() / 1000) - 1;
      const first = await readStageForPlan(engine, imageId, manifest);
      const second = await readStageForPlan(engine, imageId.replace(/^sha256:/, ""), manifest);
      const until = Math.ceil(Date.now() / 1000) + 1;
      expect(second).toBe(first);
      expect(first.packages.logrotate?.version).toBeTruthy();
      expect(first.files["/etc/logrotate.conf"]).toContain("weekly");
      // One probe container for this image between the two reads' start and end: the first read's.
      const created = docker([
        "events",
        "--since",
        String(since),
        "--until",
        String(until),
        "--filter",
        "type=container",
        "--filter",
        "event=create",
        "--filter",
        "label=kura.role=package-stage-probe",
        "--format",
        "{{.Actor.Attributes.image}}",
      ])
        .split("\n")
        .filter((image) => image && imageId.endsWith(image.replace(/^sha256:/, "")));
      expect(created).toHaveLength(1);
    } finally {
      docker(["rmi", "-f", tag]);
    }
  }, 300_000);
});
