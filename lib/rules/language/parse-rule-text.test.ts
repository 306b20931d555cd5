import { describe, expect, it } from "vitest";
import { compileRules } from "@/lib/rules/language/match-rules";
import { parseRuleText } from "@/lib/rules/language/parse-rule-text";

describe("parseRuleText", () => {
  it("reads rules, includes, comments and notes", () => {
    const text = [
      "# Kura rules",
      "",
      "/var/log # logs are noisy",
      "!/var/log/app/**  #   keep app logs",
      "*.pid",
      "  /tmp/  ",
      "/srv/a#b",
      "\r",
    ].join("\n");
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
