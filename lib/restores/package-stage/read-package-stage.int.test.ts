import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { docker, dockerHost } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { getEngine } from "@/lib/engines/engine-registry";
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
});
