import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { db } from "@/lib/db";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";
import { createMigrationRule, deleteMigrationRule } from "@/lib/restores/migration-rule-store";
import { getRestore } from "@/lib/restores/restore-registry";
import { startArchive } from "../archives/archive-container";
import { waitForJob } from "../jobs/job-runner";
import { startRestore } from "./restore-archive";

// A migration rule keyed on a package's old and new versions: the archive (Debian 12, base-files
// 12.x) has a data file at the old path and a config key with the old name; restored onto trixie
// (base-files 13.x) the file is at the new path, the key renamed, a line rewritten and a key set. The
// verification follows the move.

const source = uniqueName("kura-it-migrate");
const restored = uniqueName("kura-it-migrated");
const ruleIds: string[] = [];
let archiveId = "";

describe("migration rules in a restore", () => {
  beforeAll(async () => {
    runContainer({ name: source, image: BOOKWORM });
    exec(source, [
      "bash",
      "-c",
      "mkdir -p /var/lib/kuraapp && printf 'accounts db v1' > /var/lib/kuraapp/passdb.tdb && printf '# settings\\n  OldKey yes\\nOther 1\\n' > /etc/kuraapp.conf",
    ]);
    const move = await createMigrationRule(
      {
        package: "base-files",
        fromVersions: "< 13",
        toVersions: ">= 13",
        action: { kind: "move", from: "/var/lib/kuraapp/passdb.tdb", to: "/var/lib/kuraapp/private/passdb.tdb" },
        note: "test rule",
        enabled: true,
      },
      "tester",
    );
    const rename = await createMigrationRule(
      {
        package: "base-files",
        fromVersions: "< 13",
        toVersions: ">= 13",
        action: { kind: "rename-key", file: "/etc/kuraapp.conf", from: "OldKey", to: "NewKey" },
        note: "test rule",
        enabled: true,
      },
      "tester",
    );
    const notApplicable = await createMigrationRule(
      {
        package: "base-files",
        fromVersions: "< 11",
        toVersions: "*",
        action: { kind: "delete", path: "/var/lib/kuraapp" },
        note: "must not apply",
        enabled: true,
      },
      "tester",
    );
    const rewrite = await createMigrationRule(
      {
        package: "base-files",
        fromVersions: "< 13",
        toVersions: ">= 13",
        action: { kind: "rewrite", file: "/etc/kuraapp.conf", match: "Other *", replace: "Other = \\1\\n# rewritten" },
        note: "test rule",
        enabled: true,
      },
      "tester",
    );
    const set = await createMigrationRule(
      {
        package: "base-files",
        fromVersions: "< 13",
        toVersions: ">= 13",
        action: { kind: "set", file: "/etc/kuraapp.conf", key: "Port", value: "8080", separator: " ", where: "end" },
        note: "test rule",
        enabled: true,
      },
      "tester",
    );
    ruleIds.push(move.id, rename.id, notApplicable.id, rewrite.id, set.id);
    const started = await startArchive({ engineId: "local", containerRef: source, name: "migration it", actor: "tester" });
    archiveId = started.archiveId;
    expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
  }, 320_000);

  afterAll(async () => {
    for (const id of ruleIds) await deleteMigrationRule(id, "tester").catch(() => undefined);
    removeContainer(restored);
    removeContainer(source);
  });

  it("the plan shows which rules apply, with the versions that decided it", async () => {
    const { view } = await makeRestorePlan(archiveId, { engineId: "local", baseImage: TRIXIE, checkRepositories: false });
    const status = Object.fromEntries(
      view.migrationRules.filter((match) => ruleIds.includes(match.rule.id)).map((match) => [match.rule.id, match]),
    );
    expect(status[ruleIds[0]!]).toMatchObject({
      status: "applies",
      fromVersion: expect.stringMatching(/^12\./),
      toVersion: expect.stringMatching(/^13/),
    });
    expect(status[ruleIds[1]!]?.status).toBe("applies");
    expect(status[ruleIds[2]!]?.status).toBe("not-applicable");
    expect(view.restoreScript).toContain("/var/lib/kuraapp/private/passdb.tdb");
  }, 120_000);

  it("restores the file at the new path and renames the key", async () => {
    const { jobId, restoreId } = await startRestore(archiveId, {
      engineId: "local",
      baseImage: TRIXIE,
      containerName: restored,
      network: "none",
      actor: "tester",
    });
    const job = await waitForJob(jobId, 600_000);
    const restore = await getRestore(restoreId);
    expect(job.error, restore.log).toBeNull();
    expect(restore.appliedRules).toEqual(expect.arrayContaining([ruleIds[0], ruleIds[1], ruleIds[3], ruleIds[4]]));
    expect(restore.appliedRules).not.toContain(ruleIds[2]);
    expect(exec(restored, ["cat", "/var/lib/kuraapp/private/passdb.tdb"])).toBe("accounts db v1");
    expect(exec(restored, ["sh", "-c", "test -e /var/lib/kuraapp/passdb.tdb && echo present || echo gone"])).toBe("gone");
    // rename-key, then rewrite and set, run by restore.sh with trixie's own dash and mawk.
    expect(exec(restored, ["cat", "/etc/kuraapp.conf"])).toBe("# settings\n  NewKey yes\nOther = 1\n# rewritten\nPort 8080");
    expect(restore.verification?.mismatches).toEqual([]);
    const row = await db.restore.findUniqueOrThrow({ where: { id: restoreId } });
    expect(row.log).toMatch(/migration/i);
  }, 600_000);
});
