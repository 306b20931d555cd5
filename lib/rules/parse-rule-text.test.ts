import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/changes/types";
import { DEFAULT_RULES } from "@/lib/rules/default-rules";
import { formatRuleText } from "@/lib/rules/format-rule-text";
import { compileRules } from "@/lib/rules/match-rules";
import { parseRuleText } from "@/lib/rules/parse-rule-text";

describe("parseRuleText", () => {
  it("reads rules, includes, comments and notes", () => {
    const text = ["# Kura rules", "", "/var/log # logs are noisy", "!/var/log/app/**  #   keep app logs", "*.pid", "  /tmp/  ", "/srv/a#b", "\r"].join("\n");
    expect(parseRuleText(text)).toEqual({
      rules: [
        { pattern: "/var/log", action: "exclude", note: "logs are noisy" },
        { pattern: "/var/log/app/**", action: "include", note: "keep app logs" },
        { pattern: "*.pid", action: "exclude", note: "" },
        { pattern: "/tmp/", action: "exclude", note: "" },
        { pattern: "/srv/a#b", action: "exclude", note: "" },
      ],
      errors: [],
    });
  });
  it("reports bad lines by number and keeps the good ones", () => {
    const parsed = parseRuleText("/ok\n!\n/srv/[x\n! # note only\n/also-ok\r\n");
    expect(parsed.rules.map((r) => r.pattern)).toEqual(["/ok", "/also-ok"]);
    expect(parsed.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(parsed.errors[1]?.message).toMatch(/never closed/);
  });
  it("reports the rule limit once", () => {
    const parsed = parseRuleText(Array.from({ length: 505 }, (_, i) => `/srv/${i}`).join("\n"));
    expect(parsed.rules).toHaveLength(500);
    expect(parsed.errors).toEqual([{ line: 501, message: expect.stringMatching(/at most 500/) }]);
  });
  it("keeps escaped leading characters as literal names", () => {
    const { rules } = parseRuleText("\\!important\n\\#notacomment");
    expect(rules.map((r) => r.pattern)).toEqual(["\\!important", "\\#notacomment"]);
    expect(compileRules(rules).decide("/srv/!important", false)?.index).toBe(0);
    expect(compileRules(rules).decide("/srv/#notacomment", false)?.index).toBe(1);
  });
});

describe("formatRuleText", () => {
  it("writes ! for includes, notes after #, and a header", () => {
    const rules: Rule[] = [
      { pattern: "/var/log", action: "exclude", note: "logs\nare noisy" },
      { pattern: "/var/log/app/**", action: "include", note: "" },
    ];
    expect(formatRuleText(rules, { header: "Rule set: Default" })).toBe("# Rule set: Default\n/var/log # logs are noisy\n!/var/log/app/**\n");
    expect(formatRuleText([])).toBe("");
  });
  it("round-trips through parseRuleText", () => {
    const rules: Rule[] = [...DEFAULT_RULES, { pattern: "/var/log/app/**", action: "include", note: "keep # app logs" }, { pattern: "/srv/a # b", action: "exclude", note: "" }];
    const parsed = parseRuleText(formatRuleText(rules, { header: "exported" }));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rules.slice(0, -1)).toEqual(rules.slice(0, -1));
    // A " #" inside a pattern comes back escaped, and still matches the same name.
    expect(parsed.rules.at(-1)?.pattern).toBe("/srv/a \\# b");
    expect(compileRules(parsed.rules).decide("/srv/a # b", false)?.index).toBe(rules.length - 1);
  });
  it("escapes a pattern that starts with # so it is not read as a comment", () => {
    const parsed = parseRuleText(formatRuleText([{ pattern: "#draft", action: "exclude", note: "" }]));
    expect(parsed.rules).toHaveLength(1);
    expect(compileRules(parsed.rules).decide("/srv/#draft", false)).not.toBeNull();
  });
});
