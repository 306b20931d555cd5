import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ManifestEntry } from "@/lib/archives/manifest";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { generateRestoreScript } from "@/lib/restores/plan/generate-restore-script";
import type { RuleMatch } from "@/lib/restores/plan/match-migration-rules";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { planRestore, type RestorePlan, type RestorePlanInput } from "@/lib/restores/plan/plan-restore";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";

const HOSTILE = [
  '/srv/app/it\'s a "file" $(touch pwned) `touch pwned2`.txt',
  "/srv/app/new\nline",
  "/srv/app/ünïcødé ☃",
  "/srv/app/-dash",
  "/srv/app/*glob?",
];

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

describe("generateRestoreScript text", () => {
  const manifest = makeManifest();
  const rule = (action: MigrationRule["action"], status: RuleMatch["status"]): RuleMatch => ({
    rule: { id: "r1", package: "samba", fromVersions: "< 4", toVersions: ">= 4, < 2:5", action, note: "", builtIn: false, enabled: true },
    status,
    reason: "",
    fromVersion: "2:3.6.6",
    toVersion: null,
  });
  const script = generateRestoreScript({
    manifest,
    baseImage: "debian:trixie",
    deletions: HOSTILE,
    ancestors: ["/srv/it's"],
    rules: [
      rule({ kind: "move", from: "/var/lib/samba/passdb.tdb", to: "/var/lib/samba/private/passdb.tdb" }, "checked-at-build"),
      rule({ kind: "delete", path: "/etc/$(reboot)" }, "applies"),
      rule({ kind: "rename-key", file: "/etc/x", from: "a", to: "b" }, "not-applicable"),
    ],
    entryCount: 3,
  });

  it("single-quotes every path, so no $(...), backquote, glob or newline is interpreted", () => {
    expect(script).toContain(`kura_delete '/srv/app/it'\\''s a "file" $(touch pwned) \`touch pwned2\`.txt'`);
    expect(script).toContain("kura_delete '/srv/app/new\nline'");
    expect(script).toContain("kura_delete '/srv/app/*glob?'");
    expect(script).toContain("kura_ancestor '/srv/it'\\''s'");
    expect(script).toContain(`rm -rf -- "$R"'/etc/$(reboot)'`);
  });

  it("checks the new version with dpkg when it was unknown, dropping the epoch only for epoch-less rule versions", () => {
    expect(script).toContain(`kura_version=$(kura_pkg_version 'samba')`);
    expect(script).toContain(`kura_vcmp "$kura_version" ge '4' 1`);
    expect(script).toContain(`kura_vcmp "$kura_version" lt '2:5' 0`);
    expect(script.match(/kura_vcmp "\$kura_version"/g)).toHaveLength(2);
  });

  it("leaves out rules that do not apply", () => {
    expect(script).toContain("kura_rule_1\n");
    expect(script).toContain("kura_rule_2\n");
    expect(script).not.toContain("kura_rule_3");
    expect(script).not.toContain("kura_rename_key '/etc/x'");
  });

  it.each([["dash"], ["busybox", "sh"], ["bash", "--posix"]].filter(([shell]) => has(shell as string)))("parses with %s", (...shell) => {
    const dir = mkdtempSync(path.join(tmpdir(), "kura-syntax-"));
    writeFileSync(path.join(dir, "restore.sh"), script);
    const [file, ...args] = shell;
    const result = spawnSync(file as string, [...args, "-n", path.join(dir, "restore.sh")], { encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

// The script run for real as the Dockerfile runs it, as root: a folder stands for the base's root
// (KURA_ROOT: its accounts, a fake dpkg database), the payload as `COPY payload/ /kura/stage/`
// leaves it (root, 0644/0755) in the staging folder (KURA_STAGE), restore.sh there, then
// `restore.sh delete` on the base and `cp -a stage/. root/` for `COPY --from=kura-restore
// /kura/stage/ /`. Needs root for chown.
const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(path.join(tmpdir(), "kura-restore-run-"));
// Generous: on a loaded machine removing the many small run folders took over the default 10 s.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

const BASE_PASSWD = "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/sh\n";
const BASE_GROUP = "root:x:0:\nshadow:x:42:\nsambashare:x:101:\nubuntu:x:1000:\n";
const BASE_SHADOW = "root:*:19000:0:99999:7:::\nubuntu:!:19000:0:99999:7:::\n";
const ARCHIVED = {
  passwd: "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001:Alice:/home/alice:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n",
  group: "root:x:0:\nalice:x:1001:\nsambashare:x:107:alice\n",
  shadow: "root:$6$old:1:0:99999:7:::\nalice:$6$salt$hash:18000:0:99999:7:::\n",
};

const alice = { user: "alice", group: "alice", uid: 1001, gid: 1001 };
const SCENARIO_ENTRIES: ManifestEntry[] = [
  makeEntry("/etc/passwd", "file"),
  makeEntry("/etc/group", "file"),
  makeEntry("/etc/shadow", "file", { mode: 0o640 }),
  makeEntry("/srv/app", "dir", { mode: 0o2750, ...alice, mtime: "2020-01-02T03:04:05.000Z" }),
  makeEntry("/srv/app/data", "file", { mode: 0o640, ...alice, mtime: "2021-02-03T04:05:06.000Z" }),
  ...HOSTILE.map((hostile) => makeEntry(hostile, "file", { mode: 0o600, ...alice })),
  makeEntry("/srv/app/link", "symlink", { linkTarget: "data", ...alice }),
  makeEntry("/srv/app/sub/deep/link", "symlink", { linkTarget: "/etc/hostname" }),
  makeEntry("/srv/app/blocked", "symlink", { linkTarget: "data" }),
  makeEntry("/srv/bob", "file", { user: "bob", group: "ubuntu", uid: 1000, gid: 1000 }),
  makeEntry("/srv/ghost", "file", { user: "ghost", group: "ghosts", uid: 1234, gid: 2345 }),
  makeEntry("/usr/local/bin/tool", "file", { mode: 0o4755, user: "root", group: "sambashare", gid: 107 }),
  makeEntry("/tmp/x", "file"),
  makeEntry("/var/lib/samba/passdb.tdb", "file", { mode: 0o600 }),
  makeEntry("/etc/ssh/sshd_config", "file", { mode: 0o600 }),
  makeEntry("/etc/redis/redis.conf", "file", { mode: 0o640 }),
  makeEntry("/etc/dovecot/dovecot.conf", "file"),
  makeEntry("/etc/dovecot/conf.d/10-mail.conf", "file"),
  makeEntry("/etc/dovecot/conf.d/10-auth.conf", "file"),
];
/** Archived text of the configuration files the built-in rules edit (others hold "content of PATH"). */
const CONFIG_TEXT: Record<string, string> = {
  "/etc/ssh/sshd_config": "Port 22\nChallengeResponseAuthentication no\n",
  "/etc/redis/redis.conf": "# bind 127.0.0.1 ::1\nbind 127.0.0.1 ::1\nport 6379\n",
  "/etc/dovecot/dovecot.conf": "## Dovecot configuration file\ndict {\n}\n!include conf.d/*.conf\n",
  "/etc/dovecot/conf.d/10-mail.conf":
    "#   mail_location = maildir:~/Maildir\nmail_location = maildir:~/Maildir\nmail_privileged_group = mail\n",
  "/etc/dovecot/conf.d/10-auth.conf": "disable_plaintext_auth = no\nauth_mechanisms = plain\n",
};

/** A rule that would edit through an archived symbolic link (/srv/app/link -> data): it must not. */
const THROUGH_LINK: MigrationRule = {
  id: "through-link",
  package: "openssh-server",
  fromVersions: "*",
  toVersions: "*",
  action: { kind: "rewrite", file: "/srv/app/link", match: "content*", replace: "pwned" },
  note: "",
  builtIn: false,
  enabled: true,
};

function scenarioInput(rules: MigrationRule[] = [...BUILTIN_MIGRATION_RULES, THROUGH_LINK]): RestorePlanInput {
  return {
    manifest: makeManifest({
      packages: [
        { name: "samba", version: "2:3.6.6-6+deb7u16", architecture: "amd64", manual: true },
        { name: "openssh-server", version: "1:8.4p1-5+deb11u3", architecture: "amd64", manual: true },
        { name: "redis-server", version: "5:6.0.16-1+deb11u2", architecture: "amd64", manual: true },
        { name: "dovecot-core", version: "1:2.3.13+dfsg1-2+deb11u1", architecture: "amd64", manual: false },
      ],
      entries: SCENARIO_ENTRIES,
      deleted: ["/etc/to-delete", "/etc/a b", "/etc/gone-dir", "/proc/x", "/etc/passwd", "/srv/app"],
    }),
    archivedAccounts: ARCHIVED,
    target: {
      baseImage: "debian:trixie",
      baseOs: { id: "debian", versionId: "13", versionCodename: "trixie" },
      baseInstalledPackages: { "openssh-server": "1:10.0p1-7", "redis-server": "5:8.0.2-3", "dovecot-core": "1:2.4.1+dfsg1-6" },
      baseHasDpkg: true,
      baseAccounts: { passwd: BASE_PASSWD, group: BASE_GROUP },
      availablePackages: null,
    },
    migrationRules: rules,
    scripts: readScriptsForTest(),
  };
}

let runs = 0;
/** Builds the fake base root, stages the payload as Docker would, runs restore.sh and the last stage. */
function runScenario(plan: RestorePlan, options: { shell: string[]; env?: Record<string, string>; entries?: ManifestEntry[] }) {
  const root = path.join(work, `root-${runs}`);
  const kura = path.join(work, `kura-${runs++}`);
  const stage = path.join(kura, "stage");
  const write = (file: string, content: string, mode = 0o644) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, mode);
  };
  write(path.join(root, "etc/passwd"), BASE_PASSWD);
  write(path.join(root, "etc/group"), BASE_GROUP);
  write(path.join(root, "etc/shadow"), BASE_SHADOW, 0o640);
  execFileSync("chown", ["0:42", path.join(root, "etc/shadow")]);
  write(path.join(root, "etc/to-delete"), "x");
  write(path.join(root, "etc/a b"), "x");
  write(path.join(root, "etc/gone-dir/inside"), "x");
  write(path.join(root, "proc/x"), "kernel");
  write(
    path.join(root, "var/lib/dpkg/status"),
    "Package: samba\nStatus: install ok installed\nVersion: 2:4.22.4+dfsg-1~deb13u1\nArchitecture: amd64\n\n",
  );
  mkdirSync(path.join(root, "var/lib/dpkg/info"), { recursive: true });
  mkdirSync(path.join(root, "var/lib/dpkg/updates"), { recursive: true });
  mkdirSync(path.join(root, "tmp"), { recursive: true });
  chmodSync(path.join(root, "tmp"), 0o1777);
  utimesSync(path.join(root, "tmp"), new Date("2019-05-05T00:00:00Z"), new Date("2019-05-05T00:00:00Z"));
  // The base has a real folder where the archive has the symbolic link /srv/app/blocked.
  if (plan.payloadEntries.some((entry) => entry.path === "/srv/app")) mkdirSync(path.join(root, "srv/app/blocked"), { recursive: true });
  for (const file of plan.contextFiles)
    if (file.path.startsWith("kura/")) write(path.join(kura, file.path.slice(5)), file.content as string, file.mode);
  // COPY payload/ /kura/stage/: root-owned, 0644 files and 0755 folders.
  mkdirSync(stage, { recursive: true });
  for (const entry of plan.payloadEntries) {
    const target = path.join(stage, entry.path);
    if (entry.type === "dir") mkdirSync(target, { recursive: true });
    else write(target, CONFIG_TEXT[entry.path] ?? `content of ${entry.path}\n`);
  }
  for (const account of plan.accountFiles)
    write(path.join(kura, "accounts", path.basename(account)), ARCHIVED[path.basename(account) as keyof typeof ARCHIVED] ?? "");
  const basePath = process.env.PATH ?? "/usr/bin:/bin";
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH: basePath,
    KURA_PATH: options.env?.PATH ?? basePath,
    KURA_ROOT: root,
    KURA_DIR: kura,
    KURA_STAGE: stage,
    ...options.env,
  };
  const [shell, ...shellArgs] = options.shell;
  const started = Date.now();
  const result = spawnSync(shell as string, [...shellArgs, path.join(kura, "restore.sh")], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - started) / 1000;
  const deletion = spawnSync(shell as string, [...shellArgs, path.join(kura, "restore.sh"), "delete"], { env, encoding: "utf8" });
  expect(deletion.status).toBe(0);
  // COPY --from=kura-restore /kura/stage/ /: owners, modes and times as the stage has them.
  if (result.status === 0) execFileSync("cp", ["-a", `${stage}/.`, `${root}/`]);
  return {
    root,
    kura,
    stage,
    result,
    seconds,
    report: existsSync(path.join(kura, "restore-report.txt")) ? readFileSync(path.join(kura, "restore-report.txt"), "utf8") : "",
  };
}

const busyboxPath = path.join(work, "busybox-bin");
const haveBusybox = has("busybox");
if (haveBusybox) {
  mkdirSync(busyboxPath, { recursive: true });
  execFileSync("busybox", ["--install", "-s", busyboxPath]);
  for (const applet of ["dpkg", "dpkg-deb"]) rmSync(path.join(busyboxPath, applet), { force: true });
}

type Environment = { name: string; shell: string[]; env: Record<string, string>; perl: boolean; dpkg: boolean; available: boolean };
const ALL_ENVIRONMENTS: Environment[] = [
  { name: "dash with perl", shell: ["dash"], env: {}, perl: true, dpkg: true, available: has("dash") && has("perl") },
  {
    name: "dash without perl (shell fallback)",
    shell: ["dash"],
    env: { KURA_NO_PERL: "1" },
    perl: false,
    dpkg: true,
    available: has("dash"),
  },
  {
    name: "busybox alone (no perl, no dpkg)",
    shell: [path.join(busyboxPath, "sh")],
    env: { PATH: busyboxPath },
    perl: false,
    dpkg: false,
    available: haveBusybox,
  },
];
const ENVIRONMENTS = ALL_ENVIRONMENTS.filter((environment) => environment.available);

describe.skipIf(!isRoot).each(ENVIRONMENTS)("restore.sh run with $name", (environment) => {
  // Run once, lazily: a skipped describe (not root) still collects its body.
  let cached: ReturnType<typeof runScenario> | null = null;
  const scenario = () => (cached ??= runScenario(planRestore(scenarioInput()), environment));
  const run = {
    get root() {
      return scenario().root;
    },
    get kura() {
      return scenario().kura;
    },
    get result() {
      return scenario().result;
    },
    get report() {
      return scenario().report;
    },
  };
  const at = (file: string) => path.join(run.root, file);
  const mode = (file: string) => lstatSync(at(file)).mode & 0o7777;

  it("exits 0 and writes the report with a summary", () => {
    expect(run.result.stderr).not.toMatch(/ERROR|not found|syntax/i);
    expect(run.result.status).toBe(0);
    expect(run.result.stdout).toMatch(/kura-restore: done: 1 group\(s\) and 1 user\(s\) added, 3 path\(s\) deleted/);
    expect(run.report).toMatch(/^done: /m);
  });

  it("merges the accounts: adds alice with her uid and hash, keeps the base's root and ubuntu, reports bob's collision", () => {
    expect(readFileSync(at("etc/passwd"), "utf8")).toBe(`${BASE_PASSWD}alice:x:1001:1001:Alice:/home/alice:/bin/sh\n`);
    expect(readFileSync(at("etc/group"), "utf8")).toBe("root:x:0:\nshadow:x:42:\nsambashare:x:101:alice\nubuntu:x:1000:\nalice:x:1001:\n");
    expect(readFileSync(at("etc/shadow"), "utf8")).toBe(`${BASE_SHADOW}alice:$6$salt$hash:18000:0:99999:7:::\n`);
    expect(statSync(at("etc/shadow")).mode & 0o7777).toBe(0o640);
    expect(statSync(at("etc/shadow")).gid).toBe(42);
    expect(run.result.stderr).toContain("kura-restore: WARNING uid collision: user 'bob' (uid 1000)");
    expect(run.report).toContain("WARNING uid collision: user 'bob'");
  });

  it("deletes what the container had deleted, but nothing under /proc, no account file and nothing the archive restores", () => {
    expect(existsSync(at("etc/to-delete"))).toBe(false);
    expect(existsSync(at("etc/a b"))).toBe(false);
    expect(existsSync(at("etc/gone-dir"))).toBe(false);
    expect(existsSync(at("proc/x"))).toBe(true);
    expect(existsSync(at("srv/app/data"))).toBe(true);
  });

  it("restores owners by name (new ids), else by number, then modes with setuid/setgid bits, then times", () => {
    expect(statSync(at("srv/app")).uid).toBe(1001);
    expect(mode("srv/app")).toBe(0o2750);
    expect(statSync(at("srv/app")).mtime.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    expect(statSync(at("srv/app/data")).mtime.toISOString()).toBe("2021-02-03T04:05:06.000Z");
    expect(mode("srv/app/data")).toBe(0o640);
    const tool = statSync(at("usr/local/bin/tool"));
    expect(tool.mode & 0o7777).toBe(0o4755);
    expect(tool.gid).toBe(101); // sambashare: gid 107 in the archive, 101 in the base
    expect(statSync(at("srv/bob")).uid).toBe(1000); // bob was not added: his number stays
    expect([statSync(at("srv/ghost")).uid, statSync(at("srv/ghost")).gid]).toEqual([1234, 2345]);
  });

  it("handles hostile names and runs none of them", () => {
    for (const hostile of HOSTILE) {
      expect(mode(hostile.slice(1))).toBe(0o600);
      expect(statSync(at(hostile.slice(1))).uid).toBe(1001);
    }
    expect(existsSync(at("srv/app/pwned")) || existsSync("pwned") || existsSync(path.join(run.kura, "pwned"))).toBe(false);
  });

  it("creates symbolic links with their owner, makes their folders, and keeps a real folder in the way", () => {
    expect(readlinkSync(at("srv/app/link"))).toBe("data");
    expect(lstatSync(at("srv/app/link")).uid).toBe(1001);
    expect(readlinkSync(at("srv/app/sub/deep/link"))).toBe("/etc/hostname");
    expect(lstatSync(at("srv/app/blocked")).isDirectory()).toBe(true);
    expect(run.report).toContain("/srv/app/blocked is a folder in the new image");
  });

  it("keeps the base's owner, mode and time on the folders above the payload (/tmp stays 1777)", () => {
    expect(mode("tmp")).toBe(0o1777);
    expect(statSync(at("tmp")).mtime.toISOString()).toBe("2019-05-05T00:00:00.000Z");
  });

  it("applies the migration rules: the samba move when dpkg confirms the new version, the sshd key rename keeping the mode", () => {
    expect(readFileSync(at("etc/ssh/sshd_config"), "utf8")).toBe("Port 22\nKbdInteractiveAuthentication no\n");
    expect(mode("etc/ssh/sshd_config")).toBe(0o600);
    if (environment.dpkg && has("dpkg-query")) {
      expect(existsSync(at("var/lib/samba/private/passdb.tdb"))).toBe(true);
      expect(existsSync(at("var/lib/samba/passdb.tdb"))).toBe(false);
      expect(mode("var/lib/samba/private/passdb.tdb")).toBe(0o600);
      expect(run.result.stdout).toContain(
        "migration rule builtin-samba-passdb: moved /var/lib/samba/passdb.tdb to /var/lib/samba/private/passdb.tdb",
      );
    } else {
      expect(existsSync(at("var/lib/samba/passdb.tdb"))).toBe(true);
      expect(run.result.stdout + run.result.stderr).toMatch(/migration rule builtin-samba-passdb skipped/);
    }
    expect(run.report).toContain("migration rule builtin-samba-secrets: /var/lib/samba/secrets.tdb is not there, nothing to do");
  });

  it("applies rewrite and set rules with the base's awk: Redis's optional ::1, Dovecot 2.4's settings, modes kept", () => {
    expect(readFileSync(at("etc/redis/redis.conf"), "utf8")).toBe("# bind 127.0.0.1 ::1\nbind 127.0.0.1 -::1\nport 6379\n");
    expect(mode("etc/redis/redis.conf")).toBe(0o640);
    expect(readFileSync(at("etc/dovecot/dovecot.conf"), "utf8")).toBe(
      "dovecot_config_version = 2.4.0\n## Dovecot configuration file\ndict_server {\n}\n!include conf.d/*.conf\ndovecot_storage_version = 2.4.0\n",
    );
    expect(readFileSync(at("etc/dovecot/conf.d/10-mail.conf"), "utf8")).toBe(
      "#   mail_driver = maildir\n#   mail_path = %{home}/Maildir\nmail_driver = maildir\nmail_path = %{home}/Maildir\nmail_privileged_group = mail\n",
    );
    expect(readFileSync(at("etc/dovecot/conf.d/10-auth.conf"), "utf8")).toBe("auth_allow_cleartext = yes\nauth_mechanisms = plain\n");
    expect(run.report).toContain("migration rule builtin-redis-bind-optional-ipv6: rewrote 1 line(s) of /etc/redis/redis.conf");
    expect(run.report).toContain(
      "migration rule builtin-dovecot-config-version: added dovecot_config_version to /etc/dovecot/dovecot.conf",
    );
    expect(run.report).toContain("migration rule builtin-dovecot-ssl-cert: /etc/dovecot/conf.d/10-ssl.conf is not there, nothing to do");
    expect(readFileSync(at("srv/app/data"), "utf8")).toBe("content of /srv/app/data\n");
    expect(run.report).toContain("WARNING migration rule through-link skipped: /srv/app/link is not a regular file");
  });

  it("uses perl when it can and says so when it cannot", () => {
    if (environment.perl) expect(run.result.stdout).toContain("owners and modes restored:");
    else expect(run.result.stdout).toContain("perl is not available");
  });
});

describe.skipIf(!isRoot || !has("perl") || !has("dash"))("restore.sh speed", () => {
  // Most of each test's time is writing the 10,000 payload files; the script's own time is asserted.
  it.each([
    ["with perl", {}],
    ["with the batched shell fallback", { KURA_NO_PERL: "1" }],
  ])(
    "restores 10,000 entries in a few seconds %s",
    (_name, env: Record<string, string>) => {
      const entries: ManifestEntry[] = [];
      for (let d = 0; d < 100; d++) {
        entries.push(makeEntry(`/srv/data/d${d}`, "dir", { mode: 0o750, ...alice, mtime: "2022-01-01T00:00:00Z" }));
        for (let f = 0; f < 99; f++)
          entries.push(makeEntry(`/srv/data/d${d}/file ${f}.txt`, "file", { mode: 0o640, ...alice, mtime: "2022-01-01T00:00:00Z" }));
      }
      const input = scenarioInput([]);
      const plan = planRestore({
        ...input,
        manifest: { ...input.manifest, entries: [...SCENARIO_ENTRIES.slice(0, 3), ...entries], deleted: [] },
      });
      const run = runScenario(plan, { shell: ["dash"], env });
      expect(run.result.status).toBe(0);
      expect(run.report).toMatch(/ 1 warning\(s\)/); // bob's uid collision only
      const last = statSync(path.join(run.root, "srv/data/d99/file 98.txt"));
      expect([last.uid, last.mode & 0o7777, last.mtime.toISOString()]).toEqual([1001, 0o640, "2022-01-01T00:00:00.000Z"]);
      expect(statSync(path.join(run.root, "srv/data/d99")).mtime.toISOString()).toBe("2022-01-01T00:00:00.000Z");
      console.log(`restore.sh ${_name}: 10,000 entries in ${run.seconds.toFixed(2)} s`);
      expect(run.seconds).toBeLessThan(10);
    },
    120_000,
  );
});
