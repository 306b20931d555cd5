import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/changes/classify/types";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { formatRuleText } from "@/lib/rules/language/format-rule-text";
import { compileRules } from "@/lib/rules/language/match-rules";
import { parseRuleText } from "@/lib/rules/language/parse-rule-text";

describe("formatRuleText", () => {
  it("writes ! for includes, notes after #, and a header", () => {
    const rules: Rule[] = [
      { pattern: "/var/log", action: "exclude", note: "logs\nare noisy" },
      { pattern: "/var/log/app/**", action: "include", note: "" },
    ];
    expect(formatRuleText(rules, { header: "Rule set: Default" })).toBe(
      "# Rule set: Default\n/var/log # logs are noisy\n!/var/log/app/**\n",
    );
    expect(formatRuleText([])).toBe("");
  });
  it("round-trips through parseRuleText", () => {
    const rules: Rule[] = [
      ...DEFAULT_RULES,
      { pattern: "/var/log/app/**", action: "include", note: "keep # app logs" },
      { pattern: "/srv/a # b", action: "exclude", note: "" },
    ];
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
