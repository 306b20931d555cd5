import { describe, expect, it } from "vitest";
import { DEFAULT_RULE_SET_NAME, DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { validatePattern } from "@/lib/rules/language/rule-schema";

describe("DEFAULT_RULES", () => {
  it("are valid, distinct, explained exclusions", () => {
    expect(DEFAULT_RULE_SET_NAME).toBe("Default");
    for (const rule of DEFAULT_RULES) {
      expect(validatePattern(rule.pattern), rule.pattern).toBeNull();
      expect(rule.action).toBe("exclude");
      expect(rule.note.length, rule.pattern).toBeGreaterThan(0);
    }
    expect(new Set(DEFAULT_RULES.map((r) => r.pattern)).size).toBe(DEFAULT_RULES.length);
  });
  it("leave logs to classification: no rule takes a file by its .log name", () => {
    // "*.log" took Dovecot's dovecot.index.log (part of a mailbox) and a git hook's push.log.
    expect(DEFAULT_RULES.map((r) => r.pattern)).not.toContain("*.log");
    expect(DEFAULT_RULES.map((r) => r.pattern)).not.toContain("/var/log");
  });
});
