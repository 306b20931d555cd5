import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planRestore, type RestorePlanInput } from "@/lib/restores/plan/plan-restore";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

// planRestore with the packages stage's facts (issue 14): the merges enter the plan, and merged text replaces the
// archived file's content in the build context (payloadContent); without the facts nothing changes.
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", "config-merge", name), "utf8");
const oldDefs = fixture("bullseye-login.defs");
const edited = oldDefs.replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t90");

function input(extra: Partial<RestorePlanInput> = {}): RestorePlanInput {
  const manifest = makeManifest({
    packageManager: "dpkg",
    entries: [
      makeEntry("/etc/login.defs", "file", {
        mode: 0o600,
        package: "login",
        conffile: "dpkg",
        pristineSha256: "b".repeat(64),
        pristineSize: 1,
      }),
    ],
  });
  return {
    manifest,
    archivedAccounts: {},
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: {},
      baseHasDpkg: true,
      baseAccounts: null,
      availablePackages: {},
    },
    migrationRules: [],
    scripts: readScriptsForTest(),
    configTexts: { "/etc/login.defs": { edited, pristine: oldDefs } },
    ...extra,
  };
}

const stage: PackageStageFacts = {
  imageId: "sha256:stage",
  packages: {
    "login.defs": {
      name: "login.defs",
      version: "1:4.17.4-2",
      conffiles: [{ path: "/etc/login.defs", md5: "", obsolete: false, removeOnUpgrade: false }],
      files: ["/etc/login.defs"],
      maintscripts: {},
      news: null,
    },
  },
  files: { "/etc/login.defs": fixture("trixie-login.defs") },
};

describe("planRestore with the packages stage's facts", () => {
  it("plans no merge and replaces nothing without them", () => {
    const plan = planRestore(input());
    expect(plan.merges).toBeNull();
    expect(plan.payloadContent).toEqual([]);
  });

  it("merges the admin's edit onto the new default and puts the merged text in the build context", () => {
    const plan = planRestore(input({ stage }));
    expect(plan.merges?.map((merge) => [merge.path, merge.status])).toEqual([["/etc/login.defs", "merged"]]);
    expect(plan.payloadContent).toEqual([
      { path: "/etc/login.defs", content: fixture("trixie-login.defs").replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t90") },
    ]);
    // The archived owner and mode still come from the manifest entry the restore script applies.
    expect(plan.payloadEntries.find((entry) => entry.path === "/etc/login.defs")?.mode).toBe(0o600);
  });
});
