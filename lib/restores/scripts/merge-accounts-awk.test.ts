import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The merge runs as restore.sh runs it in the image: the same files (awk -f accounts-lib.awk -f
// merge-groups.awk), with each awk this machine has (mawk is Debian's default awk, busybox awk is
// what busybox images have).

const SCRIPTS = path.join(process.cwd(), "lib", "restores", "scripts");
const MERGE_GROUPS_AWK = [path.join(SCRIPTS, "accounts-lib.awk"), path.join(SCRIPTS, "merge-groups.awk")];
const MERGE_USERS_AWK = [path.join(SCRIPTS, "accounts-lib.awk"), path.join(SCRIPTS, "merge-users.awk")];
const RENAME_KEY_AWK = path.join(SCRIPTS, "rename-key.awk");

function available(command: string[]): boolean {
  const [file, ...args] = command;
  if (!file) return false;
  return spawnSync(file, [...args, "BEGIN { exit 0 }"], { stdio: "ignore" }).status === 0;
}
const AWKS = [["mawk"], ["gawk"], ["busybox", "awk"], ["original-awk"]].filter(available);

const dir = mkdtempSync(path.join(tmpdir(), "kura-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
function merge(awk: string[], programs: string[], files: Record<string, string | undefined>, outputs: string[]) {
  const at = path.join(dir, String(run++));
  execFileSync("mkdir", ["-p", at]);
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(at, name);
    env[name] = file;
    if (content !== undefined) writeFileSync(file, content);
  }
  for (const name of outputs) env[name] = path.join(at, name);
  const [file, ...args] = awk;
  const result = spawnSync(file as string, [...args, ...programs.flatMap((program) => ["-f", program])], { env, encoding: "utf8" });
  const read = (name: string) => (existsSync(path.join(at, name)) ? readFileSync(path.join(at, name), "utf8") : null);
  return { status: result.status, log: result.stdout.split("\n").filter(Boolean), stderr: result.stderr, read };
}

const BASE_GROUP =
  ["root:x:0:", "shadow:x:42:", "users:x:100:", "staff:x:50:", "sambashare:x:101:", "nogroup:x:65534:", "ubuntu:x:1000:"].join("\n") + "\n";
const BASE_GSHADOW = ["root:*::", "shadow:*::", "users:*::", "staff:*::", "sambashare:!::", "nogroup:*::", "ubuntu:!::"].join("\n") + "\n";
const OLD_GROUP =
  [
    "root:x:0:",
    "shadow:x:42:",
    "users:x:100:alice,bob",
    "staff:x:50:alice",
    "sambashare:x:107:alice",
    "alice:x:1001:",
    "devs:x:1000:alice,bob", // gid 1000 is ubuntu's in the base
    "+nisgroup::0:",
    "weird name:x:1002:",
  ].join("\n") + "\n";
const OLD_GSHADOW = ["root:*::", "users:*::alice,bob", "alice:!::", "devs:$6$secret::alice,bob", "weird name:!::"].join("\n") + "\n";

describe.each(AWKS.map((awk) => [awk.join(" "), awk] as const))("merge-groups.awk with %s", (_name, awk) => {
  it("adds missing groups with their gid, adds missing members, skips gid collisions", () => {
    const result = merge(
      awk,
      MERGE_GROUPS_AWK,
      { ARCHIVED: OLD_GROUP, ARCHIVED_SHADOW: OLD_GSHADOW, LIVE: BASE_GROUP, LIVE_SHADOW: BASE_GSHADOW },
      ["OUT", "OUT_SHADOW"],
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.read("OUT")).toBe(
      [
        "root:x:0:",
        "shadow:x:42:",
        "users:x:100:alice,bob",
        "staff:x:50:alice",
        "sambashare:x:101:alice", // the base's gid stays; the member is added
        "nogroup:x:65534:",
        "ubuntu:x:1000:",
        "alice:x:1001:",
        "weird name:x:1002:",
      ].join("\n") + "\n",
    );
    expect(result.read("OUT_SHADOW")).toBe(
      [
        "root:*::",
        "shadow:*::",
        "users:*::alice,bob",
        "staff:*::alice",
        "sambashare:!::alice",
        "nogroup:*::",
        "ubuntu:!::",
        "alice:!::",
        "weird name:!::",
      ].join("\n") + "\n",
    );
    expect(result.log).toEqual([
      "INFO group users: added member(s) alice,bob",
      "INFO group staff: added member(s) alice",
      "INFO group sambashare: added member(s) alice",
      "ADDED group alice (gid 1001)",
      expect.stringMatching(
        /^WARNING gid collision: group 'devs' \(gid 1000\) from the archive was not added because gid 1000 belongs to 'ubuntu'/,
      ),
      "ADDED group weird name (gid 1002)",
    ]);
  });

  it("synthesises a gshadow line when only the live gshadow exists, and writes none when neither does", () => {
    const withLive = merge(
      awk,
      MERGE_GROUPS_AWK,
      { ARCHIVED: "app:x:2000:a\n", ARCHIVED_SHADOW: undefined, LIVE: BASE_GROUP, LIVE_SHADOW: BASE_GSHADOW },
      ["OUT", "OUT_SHADOW"],
    );
    expect(withLive.read("OUT_SHADOW")?.endsWith("ubuntu:!::\napp:!::a\n")).toBe(true);
    const without = merge(
      awk,
      MERGE_GROUPS_AWK,
      { ARCHIVED: "app:x:2000:\n", ARCHIVED_SHADOW: undefined, LIVE: "root:x:0:", LIVE_SHADOW: undefined },
      ["OUT", "OUT_SHADOW"],
    );
    expect(without.read("OUT")).toBe("root:x:0:\napp:x:2000:\n");
    expect(without.read("OUT_SHADOW")).toBeNull();
  });

  it("keeps a group that already has every member unchanged and reports nothing", () => {
    const result = merge(
      awk,
      MERGE_GROUPS_AWK,
      { ARCHIVED: "users:x:100:\nroot:x:0:\n", ARCHIVED_SHADOW: undefined, LIVE: BASE_GROUP, LIVE_SHADOW: BASE_GSHADOW },
      ["OUT", "OUT_SHADOW"],
    );
    expect(result.read("OUT")).toBe(BASE_GROUP);
    expect(result.read("OUT_SHADOW")).toBe(BASE_GSHADOW);
    expect(result.log).toEqual([]);
  });

  it("fails when the live group file cannot be read", () => {
    const result = merge(awk, MERGE_GROUPS_AWK, { ARCHIVED: "a:x:1:\n", LIVE: undefined }, ["OUT"]);
    expect(result.status).toBe(2);
    expect(result.log[0]).toMatch(/^ERROR cannot read /);
  });
});

const BASE_PASSWD =
  [
    "root:x:0:0:root:/root:/bin/bash",
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
    "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash",
    "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
  ].join("\n") + "\n";
const BASE_SHADOW =
  ["root:*:19000:0:99999:7:::", "daemon:*:19000:0:99999:7:::", "ubuntu:!:19000:0:99999:7:::", "_apt:*:19000:0:99999:7:::"].join("\n") +
  "\n";
const OLD_PASSWD =
  [
    "root:x:0:0:root:/root:/bin/sh", // the base's line stays
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
    "alice:x:1001:1001:Alice O'Hara, $(rm -rf /),,:/home/alice:/bin/bash",
    "bob:x:1000:100:Bob:/home/bob:/bin/bash", // uid 1000 is ubuntu's
    "carol:x:1002:100:Carol:/srv/carol:/bin/sh", // no shadow line archived
    "svc:*:1003:100::/nonexistent:/usr/sbin/nologin", // no shadow needed
    "broken:x:abc:1::/:/bin/sh",
  ].join("\n") + "\n";
const OLD_SHADOW =
  ["root:$6$oldroot:18000:0:99999:7:::", "alice:$6$salt$hash/with.dots:18000:0:99999:7:::", "bob:$6$bob:18000:0:99999:7:::"].join("\n") +
  "\n";

describe.each(AWKS.map((awk) => [awk.join(" "), awk] as const))("merge-users.awk with %s", (_name, awk) => {
  it("adds missing users with their uid, gid, gecos, home, shell and password hash; skips uid collisions", () => {
    const result = merge(
      awk,
      MERGE_USERS_AWK,
      { ARCHIVED: OLD_PASSWD, ARCHIVED_SHADOW: OLD_SHADOW, LIVE: BASE_PASSWD, LIVE_SHADOW: BASE_SHADOW },
      ["OUT", "OUT_SHADOW"],
    );
    expect(result.status).toBe(0);
    expect(result.read("OUT")).toBe(
      BASE_PASSWD +
        [
          "alice:x:1001:1001:Alice O'Hara, $(rm -rf /),,:/home/alice:/bin/bash",
          "carol:x:1002:100:Carol:/srv/carol:/bin/sh",
          "svc:*:1003:100::/nonexistent:/usr/sbin/nologin",
        ].join("\n") +
        "\n",
    );
    expect(result.read("OUT_SHADOW")).toBe(
      BASE_SHADOW + ["alice:$6$salt$hash/with.dots:18000:0:99999:7:::", "carol:*:::::::"].join("\n") + "\n",
    );
    expect(result.log).toEqual([
      "ADDED user alice (uid 1001, gid 1001)",
      expect.stringMatching(
        /^WARNING uid collision: user 'bob' \(uid 1000\) from the archive was not added because uid 1000 belongs to 'ubuntu' in the new base/,
      ),
      expect.stringMatching(/^WARNING user 'carol' has no archived shadow entry, so its password is locked/),
      "ADDED user carol (uid 1002, gid 100)",
      "ADDED user svc (uid 1003, gid 100)",
      "WARNING the archived passwd line for 'broken' is malformed and was skipped",
    ]);
  });

  it("creates a shadow file only for added users when the base has none", () => {
    const result = merge(
      awk,
      MERGE_USERS_AWK,
      { ARCHIVED: OLD_PASSWD, ARCHIVED_SHADOW: OLD_SHADOW, LIVE: "root:x:0:0:root:/root:/bin/sh\n", LIVE_SHADOW: undefined },
      ["OUT", "OUT_SHADOW"],
    );
    // daemon and carol live in shadow ("x") but have no archived line: locked.
    expect(result.read("OUT_SHADOW")).toBe(
      ["daemon:*:::::::", "alice:$6$salt$hash/with.dots:18000:0:99999:7:::", "bob:$6$bob:18000:0:99999:7:::", "carol:*:::::::"].join("\n") +
        "\n",
    );
    expect(result.read("OUT")).toContain("\nbob:x:1000:100:Bob:/home/bob:/bin/bash\n");
  });
});

describe.each(AWKS.map((awk) => [awk.join(" "), awk] as const))("rename-key.awk with %s", (_name, awk) => {
  it("renames the key as the first word only, keeping indentation and value", () => {
    const at = path.join(dir, `rename-${run++}`);
    execFileSync("mkdir", ["-p", at]);
    const file = path.join(at, "sshd_config");
    writeFileSync(
      file,
      [
        "# ChallengeResponseAuthentication no",
        "ChallengeResponseAuthentication no",
        "\t  ChallengeResponseAuthentication=yes",
        "ChallengeResponseAuthenticationX no",
        "ChallengeResponseAuthentication",
        "UsePAM yes ChallengeResponseAuthentication",
        "",
      ].join("\n"),
    );
    const [cmd, ...args] = awk;
    const result = spawnSync(cmd as string, [...args, "-f", RENAME_KEY_AWK, file], {
      env: {
        NODE_ENV: "test",
        PATH: process.env.PATH ?? "",
        KURA_FROM: "ChallengeResponseAuthentication",
        KURA_TO: "KbdInteractiveAuthentication",
        KURA_OUT: path.join(at, "out"),
      },
      encoding: "utf8",
    });
    expect(result.stdout.trim()).toBe("3");
    expect(readFileSync(path.join(at, "out"), "utf8")).toBe(
      [
        "# ChallengeResponseAuthentication no",
        "KbdInteractiveAuthentication no",
        "\t  KbdInteractiveAuthentication=yes",
        "ChallengeResponseAuthenticationX no",
        "KbdInteractiveAuthentication",
        "UsePAM yes ChallengeResponseAuthentication",
        "",
      ].join("\n"),
    );
  });
});

it("finds at least one awk to test with", () => {
  expect(AWKS.length).toBeGreaterThan(0);
});
