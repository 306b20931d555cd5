import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PackageStageFacts, StagePackage } from "@/lib/restores/package-stage/types";
import { manifestSchema } from "@/lib/archives/manifest";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { planRestore, type RestorePlanInput } from "@/lib/restores/plan/plan-restore";
import { isFileRule } from "@/lib/restores/plan/migration-rule-schema";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

const scripts = readScriptsForTest();

function input(extra: Partial<RestorePlanInput> = {}): RestorePlanInput {
  const manifest = makeManifest({
    packages: [
      { name: "samba", version: "2:4.13.13+dfsg-1~deb11u6", architecture: "amd64", manual: true },
      { name: "openssh-server", version: "1:8.4p1-5+deb11u3", architecture: "amd64", manual: true },
      { name: "libssl1.1", version: "1.1.1w-0+deb11u1", architecture: "amd64", manual: false },
      { name: "bash", version: "5.1-2+deb11u1", architecture: "amd64", manual: true },
      { name: "libssl3", version: "3.0.0", architecture: "amd64", manual: true },
    ],
    config: {
      cmd: ["smbd", "--foreground", "--no-process-group"],
      entrypoint: ["/usr/bin/tini", "--"],
      env: [
        { name: "PATH", value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", redacted: false },
        { name: "SMB_ADMIN_PASSWORD", value: null, redacted: true },
      ],
      workingDir: "/srv",
      user: "alice",
      exposedPorts: ["445/tcp"],
      labels: { "com.example.description": "Samba for the accounting team" },
      volumes: ["/srv/shares"],
      mounts: [],
    },
    entries: [
      makeEntry("/etc/passwd", "file"),
      makeEntry("/etc/group", "file"),
      makeEntry("/etc/shadow", "file", { mode: 0o640, group: "shadow", gid: 42 }),
      makeEntry("/etc/samba/smb.conf", "file"),
      makeEntry("/etc/ssh/sshd_config", "file"),
      makeEntry("/srv/shares", "dir", { mode: 0o2770, user: "alice", group: "accounting", uid: 1001, gid: 1002, source: "volume" }),
      makeEntry("/srv/shares/report.ods", "file", { user: "alice", group: "accounting", uid: 1001, gid: 1002, source: "volume" }),
      makeEntry("/srv/shares/latest", "symlink", { linkTarget: "report.ods" }),
      makeEntry("/dev/null", "other"),
    ],
    deleted: ["/etc/samba/smb.conf.orig"],
  });
  return {
    manifest,
    archivedAccounts: {
      passwd: "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001:Alice:/home/alice:/bin/bash\n",
      group: "root:x:0:\nalice:x:1001:\naccounting:x:1002:alice\n",
      shadow: "alice:$6$h:1:0:99999:7:::\n",
    },
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: { bash: "5.2.37-2+b5" },
      baseHasDpkg: true,
      baseAccounts: { passwd: "root:x:0:0:root:/root:/bin/bash\n", group: "root:x:0:\nshadow:x:42:\n" },
      availablePackages: { samba: "2:4.22.4+dfsg-1~deb13u1", "openssh-server": "1:10.0p1-7", libssl3t64: "3.5.1-1" },
    },
    migrationRules: BUILTIN_MIGRATION_RULES,
    scripts,
    ...extra,
  };
}

describe("planRestore", () => {
  const plan = planRestore(input());

  it("takes a manifest that passes the manifest schema", () => {
    expect(manifestSchema.safeParse(input().manifest).success).toBe(true);
  });

  it("writes a Dockerfile that rebuilds the service on the new base", () => {
    expect(plan.dockerfile.split("\n").filter((line) => line && !line.startsWith("#"))).toEqual([
      "FROM debian:trixie AS kura-packages",
      "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -- libssl3t64 openssh-server samba && rm -rf /var/lib/apt/lists/*",
      "FROM kura-packages AS kura-restore",
      "COPY kura/ /kura/",
      "COPY payload/ /kura/stage/",
      "COPY accounts/ /kura/accounts/",
      'RUN ["/bin/sh", "/kura/restore.sh"]',
      "FROM kura-packages",
      "COPY kura/ /kura/",
      'RUN ["/bin/sh", "/kura/restore.sh", "delete"]',
      "COPY --from=kura-restore /kura/restore-report.txt /kura/restore-report.txt",
      "COPY --from=kura-restore /kura/stage/ /",
      'ENV PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
      "ARG SMB_ADMIN_PASSWORD",
      'ENV SMB_ADMIN_PASSWORD="${SMB_ADMIN_PASSWORD}"',
      "WORKDIR /srv",
      "EXPOSE 445/tcp",
      'VOLUME ["/srv/shares"]',
      'LABEL "com.example.description"="Samba for the accounting team"',
      "USER alice",
      'ENTRYPOINT ["/usr/bin/tini","--"]',
      'CMD ["smbd","--foreground","--no-process-group"]',
    ]);
    expect(plan.buildArgs).toEqual(["SMB_ADMIN_PASSWORD"]);
  });

  it("reports packages: installed, already in the base, renamed, and why for each", () => {
    expect(plan.packages).toMatchObject({
      install: ["libssl3t64", "openssh-server", "samba"],
      alreadyInBase: ["bash"],
      missing: [{ name: "libssl3", replacement: "libssl3t64", replacements: ["libssl3t64"] }],
    });
    // An archive without reasons (made before Kura recorded them): its marks, said as such.
    expect(plan.packages.decisions.map((decision) => [decision.name, decision.kind, decision.installs])).toEqual([
      ["libssl3", "renamed", ["libssl3t64"]],
      ["openssh-server", "install", ["openssh-server"]],
      ["samba", "install", ["samba"]],
      ["bash", "already-in-new-base", []],
      ["libssl1.1", "not-marked", []],
    ]);
    expect(plan.packages.decisions[0]?.reason).toBe(
      "marked as installed by hand in the archive; renamed to libssl3t64 on the new base (debian:trixie)",
    );
  });

  it("proposes checks that ask the services the packages bring back", () => {
    expect(plan.serviceChecks.proposed.map((check) => [check.service, check.package])).toEqual([
      ["Samba", "samba"],
      ["OpenSSH", "openssh-server"],
    ]);
    expect(plan.serviceChecks.command).toContain("kura_wait smbclient -N -L //127.0.0.1");
  });

  it("lists every enabled rule with its status and the versions it compared", () => {
    const ssh = plan.migrationRules.find((match) => match.rule.id === "builtin-openssh-kbdinteractive");
    expect(ssh).toMatchObject({ status: "applies", fromVersion: "1:8.4p1-5+deb11u3", toVersion: "1:10.0p1-7" });
    expect(plan.migrationRules.find((match) => match.rule.id === "builtin-samba-passdb")).toMatchObject({
      status: "not-applicable",
      fromVersion: "2:4.13.13+dfsg-1~deb11u6",
    });
    // Upgrade rules are data conversions (plan.conversions), not the restore script's rules.
    expect(plan.migrationRules).toHaveLength(BUILTIN_MIGRATION_RULES.filter(isFileRule).length);
    expect(plan.restoreScript).toContain(
      "kura_rename_key '/etc/ssh/sshd_config' 'ChallengeResponseAuthentication' 'KbdInteractiveAuthentication'",
    );
    expect(plan.restoreScript).not.toContain("passdb.tdb");
  });

  it("checks at build time a rule whose package is a dependency the repositories were not asked about", () => {
    const dependency = input();
    dependency.manifest.packages.push({ name: "apache2", version: "2.2.22-13+deb7u7", architecture: "amd64", manual: false });
    const match = planRestore(dependency).migrationRules.find((candidate) => candidate.rule.id === "builtin-apache2-conf-d");
    expect(match).toMatchObject({ status: "checked-at-build", fromVersion: "2.2.22-13+deb7u7", toVersion: null });
    const manual = input();
    manual.manifest.packages.push({ name: "apache2", version: "2.2.22-13+deb7u7", architecture: "amd64", manual: true });
    expect(planRestore(manual).migrationRules.find((candidate) => candidate.rule.id === "builtin-apache2-conf-d")?.status).toBe(
      "not-applicable",
    );
  });

  it("names the account files and the payload the caller writes", () => {
    expect(plan.accountFiles).toEqual(["/etc/passwd", "/etc/group", "/etc/shadow"]);
    expect(plan.payloadEntries.map((entry) => entry.path)).toEqual([
      "/etc/samba/smb.conf",
      "/etc/ssh/sshd_config",
      "/srv/shares",
      "/srv/shares/report.ods",
    ]);
  });

  it("generates the context files of the layout, and not the manifest", () => {
    expect(plan.contextFiles.map((file) => [file.path, file.mode.toString(8)])).toEqual([
      ["Dockerfile", "644"],
      ["kura/restore.sh", "755"],
      ["kura/apply-metadata.pl", "644"],
      ["kura/accounts-lib.awk", "644"],
      ["kura/merge-groups.awk", "644"],
      ["kura/merge-users.awk", "644"],
      ["kura/rename-key.awk", "644"],
      ["kura/rewrite.awk", "644"],
      ["kura/set-key.awk", "644"],
      ["kura/postgresql-dump.sh", "755"],
      ["kura/postgresql-load.sh", "755"],
      ["kura/mariadb-upgrade.sh", "755"],
      ["kura/openldap-dump.sh", "755"],
      ["kura/openldap-load.sh", "755"],
      ["kura/openldap-config.awk", "644"],
      ["kura/mariadb-dump-load.sh", "755"],
      ["kura/restore-plan.sh", "644"],
      ["kura/entries.nul", "644"],
      ["kura/metadata.sh", "644"],
      ["kura/dir-times.sh", "644"],
    ]);
    expect(plan.contextFiles.find((file) => file.path === "kura/restore-plan.sh")?.content).toBe(plan.restoreScript);
    expect(plan.contextFiles.find((file) => file.path === "kura/restore.sh")?.content).toBe(scripts["restore.sh"]);
    expect(plan.contextFiles.find((file) => file.path === "Dockerfile")?.content).toBe(plan.dockerfile);
  });

  it("warns in sentences a sysadmin can act on", () => {
    // The sample archive has samba and openssh-server but neither secrets.tdb nor host keys: their identity will change.
    expect(plan.warnings.map((warning) => warning.kind)).toEqual([
      "other",
      "identity-changes",
      "identity-changes",
      "missing-package",
      "secret-left-out",
    ]);
    for (const warning of plan.warnings) expect(warning.message).toMatch(/^\S.{40,}\.$/s);
  });

  it("warns about uid/gid collisions and a USER that will not exist", () => {
    const base = {
      passwd: "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1001:1001::/home/ubuntu:/bin/bash\n",
      group: "root:x:0:\nubuntu:x:1001:\n",
    };
    const collided = planRestore(input({ target: { ...input().target, baseAccounts: base } }));
    expect(collided.warnings.map((warning) => warning.kind)).toEqual([
      "other",
      "identity-changes",
      "identity-changes",
      "missing-package",
      "gid-collision",
      "uid-collision",
      "secret-left-out",
      "other",
    ]);
    expect(collided.warnings.at(-1)?.message).toMatch(
      /^The container ran as user "alice", which will exist neither in debian:trixie nor among the restored accounts/,
    );
  });

  it("warns when the base is another distribution or an older release", () => {
    const ubuntu = planRestore(
      input({
        target: { ...input().target, baseImage: "ubuntu:24.04", baseOs: { id: "ubuntu", versionId: "24.04", versionCodename: "noble" } },
      }),
    );
    expect(ubuntu.warnings.map((warning) => warning.message)).toContain(
      "The archive comes from debian 11 (bullseye) and ubuntu:24.04 is ubuntu 24.04 (noble): package names, users and file locations may differ, so check the package list and the restore report after the build.",
    );
    const older = planRestore(
      input({
        target: { ...input().target, baseImage: "debian:buster", baseOs: { id: "debian", versionId: "10", versionCodename: "buster" } },
      }),
    );
    expect(older.warnings.map((warning) => warning.message)).toContain(
      "debian:buster (debian 10 (buster)) is older than the archived debian 11 (bullseye): choose a newer base image unless an older one is what you want.",
    );
  });

  it("rebuilds without packages on a base without dpkg", () => {
    const busybox = planRestore(
      input({
        target: { ...input().target, baseImage: "busybox:1.36", baseHasDpkg: false, baseInstalledPackages: {}, availablePackages: null },
      }),
    );
    expect(busybox.dockerfile).not.toContain("apt-get");
    expect(busybox.packages.install).toEqual([]);
    expect(busybox.warnings.map((warning) => warning.kind)).toContain("no-package-manager");
    expect(busybox.migrationRules.find((match) => match.rule.id === "builtin-openssh-kbdinteractive")?.status).toBe("not-applicable");
  });
});

describe("planRestore with the packages stage's facts (issue 14)", () => {
  const fixture = (name: string) =>
    readFileSync(path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "trixie-packages", name), "utf8");
  const stagePackage = (name: string, version: string, extra: Partial<StagePackage> = {}): StagePackage => ({
    name,
    version,
    conffiles: [],
    files: [],
    maintscripts: {},
    news: null,
    ...extra,
  });
  const stage: PackageStageFacts = {
    imageId: "sha256:0000",
    files: {},
    packages: {
      "openssh-server": stagePackage("openssh-server", "1:10.0p1-7+deb13u4", {
        maintscripts: { postinst: fixture("openssh-server.postinst"), preinst: fixture("openssh-server.preinst") },
        news: fixture("openssh-server.NEWS.Debian"),
      }),
      samba: stagePackage("samba", "2:4.22.4+dfsg-1~deb13u1", {
        maintscripts: { postinst: 'dpkg-maintscript-helper rm_conffile /etc/samba/smb.conf 2:4.20~ -- "$@"\n' },
      }),
    },
  };
  const plan = planRestore(input({ stage }));

  it("applies the distribution's rules first in the restore script and lists each with its source", () => {
    expect(plan.distributionRules).toEqual([
      expect.objectContaining({
        package: "samba",
        operation: "rm_conffile",
        status: "applies",
        source: "from samba 2:4.22.4+dfsg-1~deb13u1 postinst: dpkg-maintscript-helper rm_conffile /etc/samba/smb.conf 2:4.20~",
      }),
    ]);
    expect(plan.migrationRules[0]).toMatchObject({
      status: "applies",
      rule: { action: { kind: "move", from: "/etc/samba/smb.conf", to: "/etc/samba/smb.conf.dpkg-bak" } },
    });
    expect(plan.restoreScript).toContain("kura_move '/etc/samba/smb.conf' '/etc/samba/smb.conf.dpkg-bak'");
    expect(plan.restoreScript.indexOf("dist-samba")).toBeLessThan(plan.restoreScript.indexOf("builtin-openssh-kbdinteractive"));
  });

  it("shows what Debian told admins between the versions, and takes the new versions from the stage", () => {
    expect(plan.news?.map((item) => item.package)).toEqual(["openssh-server"]);
    expect(plan.news?.[0]?.entries.map((entry) => entry.version)).toContain("1:8.7p1-1");
    expect(plan.migrationRules.find((match) => match.rule.id === "builtin-openssh-kbdinteractive")).toMatchObject({
      status: "applies",
      toVersion: "1:10.0p1-7+deb13u4",
    });
  });

  it("says nothing of the kind without the facts", () => {
    const before = planRestore(input());
    expect([before.distributionRules, before.news]).toEqual([null, null]);
    expect(before.migrationRules.some((match) => match.rule.id.startsWith("dist-"))).toBe(false);
  });
});
