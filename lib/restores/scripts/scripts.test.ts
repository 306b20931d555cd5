import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { planRestore } from "@/lib/restores/plan/plan-restore";
import { RESTORE_SCRIPT_FILES } from "@/lib/restores/plan/restore-script-files";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

// The CI lint of the programs a restore runs inside the image: shellcheck on every .sh (and on a
// generated restore-plan.sh and metadata.sh), perl -c on the .pl, and a parse of every .awk by
// mawk and busybox awk. A missing tool skips its check with the reason (e2e/harness/prepare.mjs
// installs shellcheck, mawk and busybox-static).

const SCRIPTS = path.join(process.cwd(), "lib", "restores", "scripts");
const files = readdirSync(SCRIPTS).filter((name) => !name.endsWith(".ts"));
const byExtension = (extension: string) => files.filter((name) => name.endsWith(extension));

function has(command: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", command], { stdio: "ignore" }).status === 0;
}
const haveShellcheck = has("shellcheck");
const havePerl = has("perl");
const AWKS = [["mawk"], ["busybox", "awk"]].filter(([command]) => has(command as string));

const work = mkdtempSync(path.join(tmpdir(), "kura-lint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A plan with a bit of everything: accounts, deletions, links, and each kind of migration rule. */
function samplePlan() {
  return planRestore({
    manifest: makeManifest({
      packages: [
        { name: "samba", version: "2:3.6.6-6+deb7u16", architecture: "amd64", manual: true },
        { name: "openssh-server", version: "1:8.4p1-5+deb11u3", architecture: "amd64", manual: true },
        { name: "redis-server", version: "5:6.0.16-1+deb11u2", architecture: "amd64", manual: true },
        { name: "dovecot-core", version: "1:2.3.13+dfsg1-2+deb11u1", architecture: "amd64", manual: true },
      ],
      entries: [
        makeEntry("/etc/passwd", "file"),
        makeEntry("/srv/app", "dir", { mode: 0o2750, user: "alice", group: "alice", uid: 1001, gid: 1001 }),
        makeEntry("/srv/app/it's $(x)", "file"),
        makeEntry("/srv/app/link", "symlink", { linkTarget: "it's $(x)" }),
        makeEntry("/var/lib/samba/passdb.tdb", "file"),
        makeEntry("/etc/ssh/sshd_config", "file"),
        makeEntry("/etc/redis/redis.conf", "file"),
        makeEntry("/etc/dovecot/dovecot.conf", "file"),
      ],
      deleted: ["/etc/old `x`"],
    }),
    archivedAccounts: { passwd: "root:x:0:0:root:/root:/bin/sh\n" },
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: { "openssh-server": "1:10.0p1-7", "redis-server": "5:8.0.2-3" },
      baseHasDpkg: true,
      baseAccounts: null,
      availablePackages: null,
    },
    migrationRules: BUILTIN_MIGRATION_RULES,
    scripts: readScriptsForTest(),
  });
}

describe("the restore programs", () => {
  it("are all shipped in the build context, and every file of lib/restores/scripts is one of them", () => {
    expect([...files].filter((name) => !name.endsWith(".test.ts")).sort()).toEqual([...RESTORE_SCRIPT_FILES].sort());
  });

  it.skipIf(!haveShellcheck)("pass shellcheck -s sh (static scripts and a generated restore-plan.sh, metadata.sh, dir-times.sh)", () => {
    const plan = samplePlan();
    const generated = ["kura/restore-plan.sh", "kura/metadata.sh", "kura/dir-times.sh"].map((name) => {
      const file = path.join(work, path.basename(name));
      writeFileSync(file, plan.contextFiles.find((candidate) => candidate.path === name)?.content as string);
      return file;
    });
    expect(plan.restoreScript).toContain("kura_rule_1");
    for (const file of [...byExtension(".sh").map((name) => path.join(SCRIPTS, name)), ...generated]) {
      const result = spawnSync("shellcheck", ["-s", "sh", "-S", "style", file], { encoding: "utf8" });
      expect(result.stdout + result.stderr, file).toBe("");
      expect(result.status, file).toBe(0);
    }
  });
  if (!haveShellcheck) it.skip("shellcheck is not installed (apt-get install shellcheck): the shell scripts were not linted", () => {});

  it.skipIf(!havePerl)("compile with perl -c", () => {
    for (const name of byExtension(".pl")) {
      const result = spawnSync("perl", ["-c", path.join(SCRIPTS, name)], { encoding: "utf8" });
      expect(result.stderr.trim(), name).toBe(`${path.join(SCRIPTS, name)} syntax OK`);
    }
  });

  it.each(AWKS.map((awk) => [awk.join(" "), awk] as const))(
    "parse with %s (each awk program, with accounts-lib.awk first as restore.sh loads them)",
    (_name, awk) => {
      // A first program that exits at once: the others are parsed, not run.
      const stop = path.join(work, "stop.awk");
      writeFileSync(stop, "BEGIN { exit 0 }\n");
      const [command, ...args] = awk;
      for (const name of byExtension(".awk")) {
        const programs = name.startsWith("merge-") ? ["accounts-lib.awk", name] : [name];
        const result = spawnSync(
          command as string,
          [...args, "-f", stop, ...programs.flatMap((program) => ["-f", path.join(SCRIPTS, program)])],
          { encoding: "utf8", input: "" },
        );
        expect(result.stderr, name).toBe("");
        expect(result.status, name).toBe(0);
      }
    },
  );
  if (AWKS.length < 2)
    it.skip("mawk or busybox is not installed (apt-get install mawk busybox-static): some awk checks were skipped", () => {});
});
