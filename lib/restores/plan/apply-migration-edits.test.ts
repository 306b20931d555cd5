import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyRulesToConfig, applyTextEdit, plannedActions, type TextEdit } from "@/lib/restores/plan/apply-migration-edits";
import { migrationActionSchema } from "@/lib/restores/plan/migration-rule-schema";

const REDIS = "# bind 192.168.1.100 10.0.0.1\nbind 127.0.0.1 ::1\nprotected-mode yes\nport 6379\n";
const DOVECOT = "#mail_location = \nmail_location = maildir:~/Maildir\n  disable_plaintext_auth=no\n";

// The same edit cases run through the TypeScript and through the awk programs restore.sh runs.
const CASES: { name: string; edit: TextEdit; text: string; expected: string; changed: number; added: boolean }[] = [
  {
    name: "rewrite bind ::1 to the optional -::1",
    edit: { kind: "rewrite", file: "/etc/redis/redis.conf", match: "bind * ::1", replace: "bind \\1 -::1" },
    text: REDIS,
    expected: REDIS.replace("bind 127.0.0.1 ::1", "bind 127.0.0.1 -::1"),
    changed: 1,
    added: false,
  },
  {
    name: "rewrite that matches nothing",
    edit: { kind: "rewrite", file: "/f", match: "nothing*", replace: "x" },
    text: "no final newline",
    expected: "no final newline",
    changed: 0,
    added: false,
  },
  {
    name: "rewrite with captures around =",
    edit: { kind: "rewrite", file: "/f", match: "*disable_plaintext_auth*=*no", replace: "\\1auth_allow_cleartext\\2=\\3yes" },
    text: DOVECOT,
    expected: DOVECOT.replace("disable_plaintext_auth=no", "auth_allow_cleartext=yes"),
    changed: 1,
    added: false,
  },
  {
    name: "set an existing key, keeping its separator (key value)",
    edit: { kind: "set", file: "/f", key: "port", value: "7000", separator: " = ", where: "end" },
    text: REDIS,
    expected: REDIS.replace("port 6379", "port 7000"),
    changed: 1,
    added: false,
  },
  {
    name: "set an existing key with =, indented",
    edit: { kind: "set", file: "/f", key: "disable_plaintext_auth", value: "yes", separator: " = ", where: "end" },
    text: DOVECOT,
    expected: DOVECOT.replace("disable_plaintext_auth=no", "disable_plaintext_auth=yes"),
    changed: 1,
    added: false,
  },
  {
    name: "set a missing key: added at the end with the rule's separator",
    edit: { kind: "set", file: "/f", key: "maxmemory", value: "64mb", separator: " ", where: "end" },
    text: REDIS,
    expected: `${REDIS}maxmemory 64mb\n`,
    changed: 0,
    added: true,
  },
  {
    name: "set a missing key first (a commented-out one does not count)",
    edit: { kind: "set", file: "/f", key: "mail_location", value: "x", separator: " = ", where: "start" },
    text: "#mail_location = y\n",
    expected: "mail_location = x\n#mail_location = y\n",
    changed: 0,
    added: true,
  },
  {
    name: "set in an empty file",
    edit: { kind: "set", file: "/f", key: "a", value: "b", separator: "=", where: "start" },
    text: "",
    expected: "a=b\n",
    changed: 0,
    added: true,
  },
  {
    name: "set that already holds: nothing changes",
    edit: { kind: "set", file: "/f", key: "port", value: "6379", separator: " ", where: "end" },
    text: REDIS,
    expected: REDIS,
    changed: 0,
    added: false,
  },
  {
    name: "rename-key leaves longer keys alone",
    edit: { kind: "rename-key", file: "/f", from: "port", to: "tcp-port" },
    text: "port 1\nports 2\n",
    expected: "tcp-port 1\nports 2\n",
    changed: 1,
    added: false,
  },
];

describe("applyTextEdit (TypeScript)", () => {
  it.each(CASES)("$name", ({ edit, text, expected, changed, added }) => {
    expect(migrationActionSchema.safeParse(edit).success).toBe(true);
    expect(applyTextEdit(edit, text)).toEqual({ text: expected, changed, added });
  });

  it("applies a file's edits in order and ignores other files and other kinds", () => {
    const result = applyRulesToConfig(
      [
        { kind: "move", from: "/a", to: "/b" },
        { kind: "rewrite", file: "/other", match: "port *", replace: "x" },
        { kind: "set", file: "/f", key: "port", value: "1", separator: " ", where: "end" },
        { kind: "rename-key", file: "/f", from: "port", to: "tcp-port" },
      ],
      "/f",
      "port 6379\n",
    );
    expect(result).toEqual({ text: "tcp-port 1\n", changed: 2, added: false });
  });

  it("takes the actions of the rules the restore script runs, in order", () => {
    const rule = (id: string, status: "applies" | "checked-at-build" | "not-applicable") => ({
      rule: { id, package: "p", fromVersions: "*", toVersions: "*", action: { kind: "delete" as const, path: `/${id}` }, note: "" },
      status,
      reason: "",
      fromVersion: null,
      toVersion: null,
    });
    const matches = [rule("a", "applies"), rule("b", "not-applicable"), rule("c", "checked-at-build")].map((match) => ({
      ...match,
      rule: { ...match.rule, builtIn: false, enabled: true },
    }));
    expect(plannedActions(matches)).toEqual([
      { kind: "delete", path: "/a" },
      { kind: "delete", path: "/c" },
    ]);
  });
});

// The awk programs of lib/restores/scripts, run as restore.sh runs them, must agree byte for byte.
const SCRIPTS = path.join(process.cwd(), "lib", "restores", "scripts");
const has = (command: string) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", command], { stdio: "ignore" }).status === 0;
const AWKS = [["mawk"], ["busybox", "awk"], ["gawk"]].filter(([command]) => has(command as string));
const work = mkdtempSync(path.join(tmpdir(), "kura-edits-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runAwk(awk: string[], edit: TextEdit, text: string): { text: string; counts: string } {
  const file = path.join(work, "in.conf");
  const out = path.join(work, "out.conf");
  writeFileSync(file, text);
  rmSync(out, { force: true });
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test", LC_ALL: "C", KURA_OUT: out, PATH: process.env.PATH ?? "/usr/bin:/bin" };
  let program: string;
  let files = [file];
  if (edit.kind === "rewrite") {
    program = "rewrite.awk";
    Object.assign(env, { KURA_MATCH: edit.match, KURA_REPLACE: edit.replace });
  } else if (edit.kind === "set") {
    program = "set-key.awk";
    files = [file, file];
    Object.assign(env, { KURA_KEY: edit.key, KURA_VALUE: edit.value, KURA_SEP: edit.separator, KURA_WHERE: edit.where });
  } else {
    program = "rename-key.awk";
    Object.assign(env, { KURA_FROM: edit.from, KURA_TO: edit.to });
  }
  const [command, ...args] = awk;
  const result = spawnSync(command as string, [...args, "-f", path.join(SCRIPTS, program), ...files], { env, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return { text: readFileSync(out, "utf8"), counts: result.stdout.trim() };
}

describe.each(AWKS.map((awk) => [awk.join(" "), awk] as const))("the awk programs under %s", (_name, awk) => {
  it.each(CASES)("agree with TypeScript: $name", ({ edit, text, expected, changed, added }) => {
    const result = runAwk(awk, edit, text);
    // restore.sh writes the awk output back only when something changed.
    if (changed > 0 || added) expect(result.text).toBe(expected);
    expect(result.counts).toBe(edit.kind === "set" ? `${changed} ${added ? 1 : 0}` : `${changed}`);
  });

  it("rewrite stays fast on a hostile line (no backtracking)", () => {
    const started = Date.now();
    const result = runAwk(awk, { kind: "rewrite", file: "/f", match: `${"*a".repeat(4)}*b`, replace: "x" }, `${"a".repeat(20_000)}\n`);
    expect(result.counts).toBe("0");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
