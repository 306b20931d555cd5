import { describe, expect, it } from "vitest";
import { migrationRuleSchema } from "@/lib/restores/plan/migration-rule-schema";

const valid = {
  id: "my-rule",
  package: "samba",
  fromVersions: "< 4",
  toVersions: ">= 4",
  action: { kind: "move", from: "/var/lib/samba/passdb.tdb", to: "/var/lib/samba/private/passdb.tdb" },
  note: "",
  builtIn: false,
  enabled: true,
};

function problems(patch: Record<string, unknown>): string[] {
  const result = migrationRuleSchema.safeParse({ ...valid, ...patch });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("migrationRuleSchema", () => {
  it("accepts the three actions", () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        action: {
          kind: "rename-key",
          file: "/etc/ssh/sshd_config",
          from: "ChallengeResponseAuthentication",
          to: "KbdInteractiveAuthentication",
        },
      }),
    ).toEqual([]);
    expect(problems({ action: { kind: "delete", path: "/etc/apache2/httpd.conf" } })).toEqual([]);
  });

  it("validates version ranges with the range parser", () => {
    expect(problems({ fromVersions: "4" })).toEqual([expect.stringMatching(/^fromVersions: .*operator/)]);
    expect(problems({ toVersions: ">= 2.2, < two" })).toEqual([expect.stringMatching(/^toVersions: .*not a Debian version/)]);
    expect(problems({ toVersions: "*" })).toEqual([]);
  });

  it("requires clean absolute paths outside kernel, Kura and account files", () => {
    expect(problems({ action: { kind: "delete", path: "etc/x" } })).toEqual([expect.stringMatching(/^action.path: .*absolute/)]);
    expect(problems({ action: { kind: "delete", path: "/etc/../x" } })).toEqual([expect.stringMatching(/"\.\."/)]);
    expect(problems({ action: { kind: "delete", path: "/" } })).toEqual([expect.stringMatching(/whole system/)]);
    expect(problems({ action: { kind: "delete", path: "/proc/1" } })[0]).toMatch(/kernel, device or Kura/);
    expect(problems({ action: { kind: "delete", path: "/kura/restore.sh" } })[0]).toMatch(/kernel, device or Kura/);
    expect(problems({ action: { kind: "rename-key", file: "/etc/shadow", from: "a", to: "b" } })[0]).toMatch(
      /merged by the restore script/,
    );
    expect(problems({ action: { kind: "move", from: "/srv/a", to: "/srv/a/b" } })[0]).toMatch(/into itself/);
    expect(problems({ action: { kind: "move", from: "/srv/a", to: "/srv/a" } })[0]).toMatch(/different/);
  });

  it("restricts keys, package names and ids", () => {
    expect(problems({ action: { kind: "rename-key", file: "/etc/x", from: "a b", to: "c" } })[0]).toMatch(
      /^action.from: A key may hold only/,
    );
    expect(problems({ action: { kind: "rename-key", file: "/etc/x", from: "a", to: "a" } })[0]).toMatch(/must differ/);
    expect(problems({ action: { kind: "rename-key", file: "/etc/x", from: "key_buffer", to: "key-buffer.size" } })).toEqual([]);
    expect(problems({ package: "Samba" })[0]).toMatch(/^package: /);
    expect(problems({ id: "" })[0]).toMatch(/^id: /);
    expect(problems({ action: { kind: "chmod", path: "/x" } })[0]).toMatch(/^action/);
  });
});

describe("migrationRuleSchema: rewrite and set", () => {
  it("accepts a rewrite with a line glob and a replacement that uses its wildcards", () => {
    expect(problems({ action: { kind: "rewrite", file: "/etc/redis/redis.conf", match: "bind * ::1", replace: "bind \\1 -::1" } })).toEqual(
      [],
    );
  });

  it("refuses a rewrite pattern that is empty, only *, malformed, or a replacement naming a missing wildcard", () => {
    const rewrite = (match: string, replace = "x") => problems({ action: { kind: "rewrite", file: "/etc/x", match, replace } });
    expect(rewrite("")).toEqual([expect.stringMatching(/^action.match: .*empty/)]);
    expect(rewrite("***")).toEqual([expect.stringMatching(/^action.match: .*every line/)]);
    expect(rewrite("a\\x")).toEqual([expect.stringMatching(/^action.match: .*must be followed/)]);
    expect(rewrite("a*", "\\2")).toEqual([expect.stringMatching(/^action.replace: .*has 1/)]);
    expect(rewrite("a*", "two\nlines")).toEqual([expect.stringMatching(/^action.replace: .*one line/)]);
    expect(problems({ action: { kind: "rewrite", file: "/etc/passwd", match: "a", replace: "b" } })).toEqual([
      expect.stringMatching(/^action.file: .*merged by the restore script/),
    ]);
  });

  it("accepts a set with a key, a value, a separator and where to add it", () => {
    const set = (patch: Record<string, unknown>) =>
      problems({
        action: { kind: "set", file: "/etc/redis/redis.conf", key: "maxmemory", value: "64mb", separator: " ", where: "end", ...patch },
      });
    expect(set({})).toEqual([]);
    expect(set({ separator: " = ", where: "start" })).toEqual([]);
    expect(set({ separator: "" })).toEqual([expect.stringMatching(/^action.separator: /)]);
    expect(set({ separator: " x " })).toEqual([expect.stringMatching(/^action.separator: /)]);
    expect(set({ where: "middle" })).toEqual([expect.stringMatching(/^action.where: /)]);
    expect(set({ key: "a b" })).toEqual([expect.stringMatching(/^action.key: /)]);
    expect(set({ value: "a\nb" })).toEqual([expect.stringMatching(/^action.value: .*one line/)]);
  });
});

describe("migrationRuleSchema: upgrade rules (issue 15)", () => {
  const upgrade = { kind: "upgrade", data: "/var/lib/myservice", when: "build", run: ['myservice-upgrade --datadir "$KURA_DATA"'] };

  it("accepts an upgrade: a data folder, when it runs (build or first-start), shell lines", () => {
    expect(problems({ action: upgrade })).toEqual([]);
    expect(problems({ action: { ...upgrade, when: "first-start", run: ["a", "b"] } })).toEqual([]);
  });

  it("refuses no lines, empty or multi-line ones, an unknown moment, a relative or protected data folder", () => {
    expect(problems({ action: { ...upgrade, run: [] } })).toEqual(["action.run: An upgrade runs at least one line."]);
    expect(problems({ action: { ...upgrade, run: ["  "] } })).toEqual(["action.run: A step is not empty."]);
    expect(problems({ action: { ...upgrade, run: ["a\nb"] } })).toEqual(["action.run.0: A step is one line: no line breaks or NUL."]);
    expect(problems({ action: { ...upgrade, run: Array.from({ length: 51 }, () => "true") } })).toEqual([
      "action.run: An upgrade runs at most 50 lines.",
    ]);
    expect(problems({ action: { ...upgrade, when: "later" } })[0]).toMatch(/^action\.when: /);
    expect(problems({ action: { ...upgrade, data: "var/lib/x" } })[0]).toMatch(/^action\.data: /);
    expect(problems({ action: { ...upgrade, data: "/proc/x" } })[0]).toMatch(/^action\.data: .*Kura path/);
  });

  it("keeps the earlier payloads valid", () => {
    expect(problems({ action: { kind: "delete", path: "/var/cache/samba" } })).toEqual([]);
  });
});
