import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import { planRestore, type RestorePlanInput } from "@/lib/restores/plan/plan-restore";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

// planRestore with the packages stage's facts: the versioned paths enter the plan (payload, metadata, report).
const FIXTURES = path.join(import.meta.dirname, "fixtures", "versioned-paths");
const list = (name: string) =>
  readFileSync(path.join(FIXTURES, "php-trixie", `${name}.list`), "utf8")
    .split("\n")
    .filter(Boolean);
const stagePackage = (name: string, version: string) => ({ name, version, conffiles: [], files: list(name), maintscripts: {}, news: null });

const stage: PackageStageFacts = {
  imageId: "sha256:stage",
  packages: {
    "php8.4-common": stagePackage("php8.4-common", "8.4.27-1~deb13u1"),
    "libapache2-mod-php8.4": stagePackage("libapache2-mod-php8.4", "8.4.27-1~deb13u1"),
    "libapache2-mod-php": stagePackage("libapache2-mod-php", "2:8.4+96"),
    "openssh-server": { name: "openssh-server", version: "1:10.0p1-7", conffiles: [], files: [], maintscripts: {}, news: null },
  },
  files: {},
};

function input(extra: Partial<RestorePlanInput> = {}): RestorePlanInput {
  return {
    manifest: makeManifest({
      packages: [
        { name: "libapache2-mod-php", version: "2:7.4+76", architecture: "amd64", manual: true },
        { name: "libapache2-mod-php7.4", version: "7.4.33-1+deb11u5", architecture: "amd64", manual: false },
        { name: "php7.4-common", version: "7.4.33-1+deb11u5", architecture: "amd64", manual: false },
        { name: "openssh-server", version: "1:8.4p1-5+deb11u3", architecture: "amd64", manual: true },
      ],
      entries: [
        makeEntry("/etc/php/7.4", "dir"),
        makeEntry("/etc/php/7.4/apache2", "dir"),
        makeEntry("/etc/php/7.4/apache2/php.ini", "file", { sha256: "a".repeat(64), mode: 0o640 }),
        makeEntry("/etc/apache2/conf-available/php-admin.conf", "file", { sha256: "b".repeat(64) }),
      ],
    }),
    archivedAccounts: {},
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: {},
      baseHasDpkg: true,
      baseAccounts: null,
      availablePackages: { "libapache2-mod-php": "2:8.4+96", "openssh-server": "1:10.0p1-7" },
    },
    migrationRules: [],
    scripts: readScriptsForTest(),
    ...extra,
  };
}

describe("planRestore with the packages stage", () => {
  it("puts the kept php.ini under PHP 8.4's folder, in the payload and in the restore's metadata", () => {
    const plan = planRestore(input({ stage }));
    expect(plan.pathMappings?.mappings.map((mapping) => [mapping.from, mapping.to])).toEqual([["/etc/php/7.4", "/etc/php/8.4"]]);
    const payload = plan.payloadEntries.map((entry) => entry.path);
    expect(payload).toContain("/etc/php/8.4/apache2/php.ini");
    expect(payload.some((entryPath) => entryPath.startsWith("/etc/php/7.4"))).toBe(false);
    expect(plan.payloadEntries.find((entry) => entry.path === "/etc/php/8.4/apache2/php.ini")?.mode).toBe(0o640);
    // restore.sh applies owners and modes from entries.nul: at the new path.
    const entriesNul = plan.contextFiles.find((file) => file.path === "kura/entries.nul")?.content;
    expect(Buffer.from(entriesNul ?? "").toString("utf8")).toContain("/etc/php/8.4/apache2/php.ini");
    expect(Buffer.from(entriesNul ?? "").toString("utf8")).not.toContain("/etc/php/7.4/");
    expect(plan.restoredManifest.entries.map((entry) => entry.path)).toContain("/etc/php/8.4/apache2/php.ini");
  });

  it("rewrites a kept configuration that names the old folder, and lists the configuration checkers", () => {
    const keptTexts = { "/etc/apache2/conf-available/php-admin.conf": "PHPIniDir /etc/php/7.4/apache2\n" };
    const plan = planRestore(input({ stage, keptTexts }));
    expect(plan.payloadContent).toEqual([
      { path: "/etc/apache2/conf-available/php-admin.conf", content: "PHPIniDir /etc/php/8.4/apache2\n" },
    ]);
    expect(plan.pathMappings?.rewrites).toEqual([
      {
        path: "/etc/apache2/conf-available/php-admin.conf",
        lines: [{ line: 1, before: "PHPIniDir /etc/php/7.4/apache2", after: "PHPIniDir /etc/php/8.4/apache2" }],
      },
    ]);
    expect(plan.configChecks.map((check) => check.command)).toEqual(["sshd -t"]);
  });

  it("changes nothing without the stage's facts", () => {
    const plan = planRestore(input());
    expect(plan.pathMappings).toBeNull();
    expect(plan.payloadContent).toEqual([]);
    expect(plan.payloadEntries.map((entry) => entry.path)).toContain("/etc/php/7.4/apache2/php.ini");
  });
});
