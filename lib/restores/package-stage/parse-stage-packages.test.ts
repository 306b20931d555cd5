import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { newsPathOf, parseStagePackages } from "./parse-stage-packages";

// Real dpkg files, copied out of kura-test/cron:bullseye (debian:bullseye + apt-get install cron logrotate):
// the status stanzas of cron and logrotate and /var/lib/dpkg/info/cron.{conffiles,list,postinst}, logrotate.conffiles.
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const info = new Map([
  ["cron.conffiles", fixture("bullseye-cron.conffiles")],
  ["cron.list", fixture("bullseye-cron.list")],
  ["cron.postinst", fixture("bullseye-cron.postinst")],
  ["logrotate:amd64.conffiles", fixture("bullseye-logrotate.conffiles")],
]);

describe("parseStagePackages", () => {
  it("reads versions, conffiles with their md5, file lists and maintainer scripts", () => {
    const packages = parseStagePackages(fixture("bullseye-cron-status"), info, new Map([["cron", "cron (3.0pl1-137) unstable"]]));
    expect(Object.keys(packages).sort()).toEqual(["cron", "logrotate"]);
    const cron = packages.cron!;
    expect(cron.version).toBe("3.0pl1-137");
    expect(cron.conffiles).toContainEqual({
      path: "/etc/crontab",
      md5: "44df62f8c671c9306af920e2839cda53",
      obsolete: false,
      removeOnUpgrade: false,
    });
    expect(cron.files).toContain("/usr/sbin/cron");
    expect(cron.maintscripts.postinst).toMatch(/^#!\/bin\/sh/);
    expect(cron.maintscripts.prerm).toBeUndefined();
    expect(cron.news).toBe("cron (3.0pl1-137) unstable");
    expect(newsPathOf(cron)).toBe("/usr/share/doc/cron/NEWS.Debian.gz");
    // An architecture-qualified info file name is found too; no list: no files, no NEWS.Debian.
    expect(packages.logrotate!.conffiles.map((conffile) => conffile.path)).toContain("/etc/logrotate.conf");
    expect(packages.logrotate!.files).toEqual([]);
    expect(newsPathOf(packages.logrotate!)).toBeNull();
  });

  it("keeps the obsolete and remove-on-upgrade flags, from the status file and from dpkg 1.20+'s conffiles file", () => {
    const status = fixture("bullseye-cron-status").replace(
      " /etc/default/cron eae0d979b5007d2af41540d8c2631359",
      " /etc/default/cron eae0d979b5007d2af41540d8c2631359 obsolete",
    );
    const flagged = new Map(info);
    flagged.set("cron.conffiles", `${fixture("bullseye-cron.conffiles")}remove-on-upgrade /etc/cron.d/old-job\n`);
    const cron = parseStagePackages(status, flagged, new Map()).cron!;
    expect(cron.conffiles.find((conffile) => conffile.path === "/etc/default/cron")).toMatchObject({ obsolete: true });
    expect(cron.conffiles.find((conffile) => conffile.path === "/etc/cron.d/old-job")).toEqual({
      path: "/etc/cron.d/old-job",
      md5: "",
      obsolete: false,
      removeOnUpgrade: true,
    });
  });
});
