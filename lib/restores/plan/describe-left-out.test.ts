import { describe, expect, it } from "vitest";
import { manifestSchema } from "@/lib/archives/manifest";
import { describeLeftOut } from "@/lib/restores/plan/describe-left-out";
import { planRestore } from "@/lib/restores/plan/plan-restore";
import { makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

const group = (reason: "unticked" | "rule" | "runtime" | "log" | "package-unchanged" | "unreadable", extra = {}) => ({
  reason,
  rule: null,
  count: 3,
  folders: 1,
  bytes: 300,
  examples: ["/srv/x/", "/srv/y"],
  ...extra,
});

describe("describeLeftOut", () => {
  it("says each group in words, with its counts and examples, and that package files are reinstalled", () => {
    const manifest = makeManifest({
      ruleSet: { id: "r", name: "Default", rules: [{ pattern: "/var/backups", action: "exclude", note: "dpkg's own backups" }] },
      leftOut: {
        groups: [
          group("unticked"),
          group("rule", { rule: "/var/backups" }),
          group("runtime", { examples: Array.from({ length: 30 }, (_, i) => `/run/s${i}`) }),
          group("log"),
          group("package-unchanged"),
          group("unreadable"),
        ],
      },
    });
    const view = describeLeftOut(manifest);
    expect(view.recorded).toBe(true);
    expect(view.groups.map((line) => [line.reason, line.label, line.comesBack])).toEqual([
      ["unticked", "Unticked by hand", false],
      ["rule", "Left out by the rule /var/backups: dpkg's own backups", false],
      [
        "runtime",
        "Runtime state (sockets, FIFOs, pid and lock files, caches, temporary files): the services recreate it when they start",
        false,
      ],
      ["log", "Logs: left out by default", false],
      ["package-unchanged", "Unchanged files of packages: reinstalled with their packages, not lost", true],
      ["unreadable", "Could not be read when archiving (see the read warnings)", false],
    ]);
    expect(view.groups[0]).toMatchObject({ count: 3, folders: 1, bytes: 300, examples: ["/srv/x/", "/srv/y"] });
    expect(view.groups[2]?.examples).toHaveLength(20);
  });
  it("says when the archive predates the record (an old manifest has no leftOut)", () => {
    const { leftOut: _, ...old } = makeManifest();
    const parsed = manifestSchema.parse(old);
    expect(parsed.leftOut).toBeNull();
    expect(describeLeftOut(parsed)).toEqual({ recorded: false, groups: [] });
  });
  it("is part of the restore plan", () => {
    const plan = planRestore({
      manifest: makeManifest({ leftOut: { groups: [group("log")] } }),
      archivedAccounts: {},
      target: {
        baseImage: "debian:trixie",
        baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
        baseInstalledPackages: {},
        baseHasDpkg: true,
        baseAccounts: null,
        availablePackages: null,
      },
      migrationRules: [],
      scripts: readScriptsForTest(),
    });
    expect(plan.leftOut).toMatchObject({ recorded: true, groups: [{ reason: "log", count: 3, label: "Logs: left out by default" }] });
  });
});
