import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { ruleListSchema, ruleSchema, validatePattern } from "@/lib/rules/language/rule-schema";

describe("validatePattern", () => {
  it("accepts ordinary patterns", () => {
    for (const pattern of ["/var/log", "*.pid", "__pycache__/", "/srv/**/cache", "/etc/rc[0-6].d", "\\!keep", "my file.txt"]) {
      expect(validatePattern(pattern), pattern).toBeNull();
    }
  });
  it("explains unusable patterns", () => {
    expect(validatePattern("")).toMatch(/empty/);
    expect(validatePattern("   ")).toMatch(/empty/);
    expect(validatePattern("!")).toMatch(/needs a path/);
    expect(validatePattern("!/var/log")).toMatch(/include/);
    expect(validatePattern("/var/\0log")).toMatch(/NUL/);
    expect(validatePattern("/var/log\n/tmp")).toMatch(/more than one line/);
    expect(validatePattern("/srv/[abc")).toMatch(/never closed/);
    expect(validatePattern("/")).toMatch(/names no path/);
    expect(validatePattern(" /tmp")).toMatch(/spaces/);
    expect(validatePattern(`/${"a".repeat(600)}`)).toMatch(/longer than 512/);
  });
});

describe("ruleSchema", () => {
  it("parses a rule and defaults the note", () => {
    expect(ruleSchema.parse({ pattern: "/var/log", action: "exclude" })).toEqual({ pattern: "/var/log", action: "exclude", note: "" });
  });
  it("rejects bad patterns, actions and notes with readable messages", () => {
    const bad = ruleSchema.safeParse({ pattern: "/srv/[x", action: "exclude" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/never closed/);
    expect(ruleSchema.safeParse({ pattern: "/x", action: "drop" }).success).toBe(false);
    expect(ruleSchema.safeParse({ pattern: "/x", action: "include", note: "n".repeat(501) }).success).toBe(false);
  });
  it("accepts the default rules and limits list length", () => {
    expect(ruleListSchema.safeParse(DEFAULT_RULES).success).toBe(true);
    const many = Array.from({ length: 501 }, (_, i) => ({ pattern: `/srv/${i}`, action: "exclude", note: "" }));
    expect(ruleListSchema.safeParse(many).success).toBe(false);
  });
});
