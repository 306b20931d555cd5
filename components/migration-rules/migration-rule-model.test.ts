import { describe, expect, it } from "vitest";
import { describeAction, fieldErrors, toDraft, toRuleInput } from "./migration-rule-model";

describe("describeAction", () => {
  it("says what each kind of action does", () => {
    expect(describeAction({ kind: "move", from: "/var/lib/samba/passdb.tdb", to: "/var/lib/samba/private/passdb.tdb" })).toBe(
      "move /var/lib/samba/passdb.tdb → /var/lib/samba/private/passdb.tdb",
    );
    expect(describeAction({ kind: "rename-key", file: "/etc/app.conf", from: "old_key", to: "new_key" })).toBe(
      "rename key old_key → new_key in /etc/app.conf",
    );
    expect(describeAction({ kind: "delete", path: "/var/cache/app" })).toBe("delete /var/cache/app");
    expect(describeAction({ kind: "rewrite", file: "/etc/redis/redis.conf", match: "bind * ::1", replace: "bind \\1 -::1" })).toBe(
      "rewrite lines bind * ::1 → bind \\1 -::1 in /etc/redis/redis.conf",
    );
    expect(describeAction({ kind: "set", file: "/etc/dovecot/dovecot.conf", key: "a", value: "1", separator: " = ", where: "start" })).toBe(
      "set a = 1 in /etc/dovecot/dovecot.conf (added first if missing)",
    );
  });
});

describe("draft and rule", () => {
  it("round-trips a rule through the form draft", () => {
    const rule = {
      id: "r1",
      package: "samba",
      fromVersions: "< 4",
      toVersions: ">= 4",
      action: { kind: "move" as const, from: "/a", to: "/b" },
      note: "moved",
      builtIn: false,
      enabled: true,
    };
    expect(toRuleInput(toDraft(rule))).toEqual({
      package: "samba",
      fromVersions: "< 4",
      toVersions: ">= 4",
      action: { kind: "move", from: "/a", to: "/b" },
      note: "moved",
      enabled: true,
    });
  });
  it("keeps only the chosen kind's fields and trims them", () => {
    const draft = {
      ...toDraft(),
      package: " app ",
      fromVersions: "*",
      toVersions: ">= 2",
      kind: "delete" as const,
      from: "/x",
      path: " /var/cache/app ",
    };
    expect(toRuleInput(draft).action).toEqual({ kind: "delete", path: "/var/cache/app" });
    expect(toRuleInput(draft).package).toBe("app");
  });
});

describe("draft and rule: rewrite and set", () => {
  it("round-trips both, keeping the blanks of patterns, values and separators as typed", () => {
    const rewrite = {
      id: "r2",
      package: "redis-server",
      fromVersions: "< 6.2",
      toVersions: ">= 6.2",
      action: { kind: "rewrite" as const, file: "/etc/redis/redis.conf", match: "bind * ::1", replace: "bind \\1 -::1 " },
      note: "",
      builtIn: false,
      enabled: true,
    };
    expect(toRuleInput(toDraft(rewrite)).action).toEqual(rewrite.action);
    const set = {
      ...rewrite,
      action: { kind: "set" as const, file: " /etc/x ", key: " maxmemory ", value: "64mb", separator: " ", where: "start" as const },
    };
    expect(toRuleInput(toDraft(set)).action).toEqual({
      kind: "set",
      file: "/etc/x",
      key: "maxmemory",
      value: "64mb",
      separator: " ",
      where: "start",
    });
  });

  it('starts a new set rule with " = " and adding at the end', () => {
    expect(toRuleInput({ ...toDraft(), kind: "set", file: "/etc/x", key: "k", value: "v" }).action).toEqual({
      kind: "set",
      file: "/etc/x",
      key: "k",
      value: "v",
      separator: " = ",
      where: "end",
    });
  });
});

describe("fieldErrors", () => {
  it("puts issues next to their field and keeps the rest", () => {
    const result = fieldErrors({
      message: "fromVersions: not a range",
      issues: [
        { path: "fromVersions", message: "not a range" },
        { path: "action.to", message: "must be absolute" },
        { path: "", message: "too many rules" },
      ],
    });
    expect(result.byField).toEqual({ fromVersions: "not a range", to: "must be absolute" });
    expect(result.other).toBe("too many rules");
  });
  it("reads the field from a message without issues", () => {
    expect(fieldErrors({ message: "toVersions: '>>= 4' is not a version range" }).byField).toEqual({
      toVersions: "'>>= 4' is not a version range",
    });
    expect(fieldErrors({ message: "The rule is built in and cannot be changed." })).toEqual({
      byField: {},
      other: "The rule is built in and cannot be changed.",
    });
  });
});
