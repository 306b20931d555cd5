import { describe, expect, it } from "vitest";
import { compilePattern } from "@/lib/rules/language/compile-pattern";
import { compileRules } from "@/lib/rules/language/match-rules";
import { DEFAULT_RULES } from "@/lib/rules/language/default-rules";

const PATTERNS = [
  "/var/cache",
  "var/cache",
  "/var/cache/",
  "core",
  "__pycache__/",
  "*.pid",
  "*~",
  "*.dpkg-old",
  "cache*/",
  "/srv/**/cache",
  "**/node_modules",
  "/opt/**",
  "/opt/**/",
  "/srv/*/data",
  "*.[ch]",
  "/etc/rc[!0-6].d",
  "a\\*b",
  "/x/unclosed[",
];
const PATHS = [
  "/var/cache",
  "/var/cache/apt/x.bin",
  "/srv/var/cache",
  "/core",
  "/srv/core/x",
  "/srv/app/__pycache__",
  "/run/a.pid",
  "/srv/a.pid/x",
  "/etc/x~",
  "/etc/x.conf.dpkg-old",
  "/home/u/cache1",
  "/srv/cache",
  "/srv/a/b/cache/c",
  "/node_modules",
  "/opt",
  "/opt/a/b",
  "/srv/a/data",
  "/src/a.c",
  "/etc/rcS.d",
  "/a*b",
  "/x/unclosed[",
  "/etc/hosts",
];

describe("compilePattern", () => {
  it("gives the same answer from its fast test and its regex source", () => {
    for (const pattern of PATTERNS) {
      const compiled = compilePattern(pattern);
      const regex = new RegExp(compiled.source, "s");
      for (const path of PATHS) {
        for (const subject of [path, `${path}/`]) {
          expect(compiled.test(subject), `${pattern} vs ${subject}`).toBe(regex.test(subject.slice(1)));
        }
      }
    }
  });
  it("reports the literal root folder of anchored patterns", () => {
    expect(compilePattern("/var/log/*").root).toBe("var");
    expect(compilePattern("etc/hosts").root).toBe("etc");
    expect(compilePattern("*.pid").root).toBeNull();
    expect(compilePattern("/*/data").root).toBeNull();
    expect(compilePattern("**/x").root).toBeNull();
  });
  it("reports malformed patterns but still compiles them leniently", () => {
    expect(compilePattern("/srv/[abc").problem).toMatch(/never closed/);
    expect(compilePattern("/srv/x\\").problem).toMatch(/lone/);
    expect(compilePattern("/srv/[z-a]").problem).toMatch(/not valid/);
    expect(compilePattern("/srv/[a-z]").problem).toBeNull();
  });
});

describe("compileRules agrees with a naive last-match scan", () => {
  it("for default rules plus re-includes", () => {
    const rules = [
      ...DEFAULT_RULES,
      ...PATTERNS.map((pattern, i) => ({ pattern, action: i % 2 ? ("include" as const) : ("exclude" as const), note: "" })),
    ];
    const matcher = compileRules(rules);
    for (const path of [...PATHS, "/var/log/app/x.log", "/var/lib/dpkg/status", "/etc/passwd-", "/root/.cache/x"]) {
      for (const isDir of [false, true]) {
        let expected = -1;
        rules.forEach((_, i) => {
          if (matcher.matchesRule(i, path, isDir)) expected = i;
        });
        expect(matcher.decide(path, isDir)?.index ?? -1, `${path} ${isDir}`).toBe(expected);
      }
    }
  });
});
