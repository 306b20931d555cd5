import { describe, expect, it } from "vitest";
import { compilePattern } from "@/lib/rules/language/compile-pattern";
import { compileRules } from "@/lib/rules/language/match-rules";

// Rule patterns are user input. A backtracking regex built from "*?*?*?…%" held the server for 37 s
// on one 49-character name; matching must stay linear in the path whatever the pattern.

function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const HOSTILE = [
  "*?*?*?*?*?*?*?*?*?*?%",
  `${"*?".repeat(25)}%`,
  `${"*a".repeat(50)}b`,
  `/${"*a".repeat(50)}b/**`,
  `${"?*".repeat(50)}[!a]x`,
  `/${"**/a/".repeat(20)}**/b`,
  `/srv/${"*".repeat(50)}z/**/${"*a".repeat(20)}b/`,
];

describe("matching time is bounded on hostile patterns", () => {
  it.each(HOSTILE)("%s against a 49-character name and a 4096-character path", (pattern) => {
    const compiled = compilePattern(pattern);
    const short = `/srv/${"a".repeat(49)}`;
    const long = `/${Array.from({ length: 2048 }, () => "a").join("/")}`.slice(0, 4096);
    const oneName = `/${"a".repeat(4095)}`;
    const elapsed = timed(() => {
      for (const subject of [short, `${short}/`, long, `${long}/`, oneName]) compiled.test(subject);
    });
    expect(elapsed).toBeLessThan(250);
  });
  it("decides many hostile rules over many long paths quickly", () => {
    const matcher = compileRules(HOSTILE.map((pattern) => ({ pattern, action: "exclude" as const, note: "" })));
    const paths = Array.from({ length: 200 }, (_, i) => `/srv/${"a".repeat(200 + i)}`);
    expect(timed(() => paths.forEach((path) => matcher.decide(path, false)))).toBeLessThan(1000);
  });
});

describe("the linear matcher keeps the rule language", () => {
  const cases: [pattern: string, path: string, isDir: boolean, expected: boolean][] = [
    ["*?*?*?*?*?*?*?*?*?*?%", `/srv/${"a".repeat(49)}`, false, false],
    ["*?*?*?*?*?*?*?*?*?*?%", `/srv/${"a".repeat(10)}%`, false, true],
    ["*?*?*?*?*?*?*?*?*?*?%", `/srv/${"a".repeat(9)}%`, false, false],
    ["a*b*c", "/x/aXbYc", false, true],
    ["a*b*c", "/x/aXbY", false, false],
    ["/srv/*", "/srv", true, false],
    ["/srv/*", "/srv/x/y", false, true],
    ["/srv/**/cache", "/srv/cache", false, true],
    ["/srv/**/cache", "/srv/a/b/cache/x", false, true],
    ["/srv/**/cache", "/srvcache", false, false],
    ["**/node_modules", "/a/b/node_modules", true, true],
    ["/opt/**", "/opt", true, false],
    ["/opt/**", "/opt/x", false, true],
    ["cache*/", "/home/cache1", false, false],
    ["cache*/", "/home/cache1", true, true],
    ["*.[ch]", "/src/a.c", false, true],
    ["*.[ch]", "/src/a.[ch]", false, false],
    ["/etc/rc[!0-6].d", "/etc/rcS.d", true, true],
    ["/etc/rc[!0-6].d", "/etc/rc1.d", true, false],
    ["[[:digit:]]*.log", "/var/log/1x.log", false, true],
    ["[[:digit:]]*.log", "/var/log/x1.log", false, false],
    ["a\\*b", "/a*b", false, true],
    ["a\\*b", "/axb", false, false],
    ["./srv/*.txt", "/srv/a.txt", false, true],
    ["/a/***/b", "/a/x/y/b", false, false],
    ["/a/***/b", "/a/x/b", false, true],
  ];
  it.each(cases)("%s vs %s (dir: %s) is %s", (pattern, path, isDir, expected) => {
    expect(compileRules([{ pattern, action: "exclude", note: "" }]).matchesRule(0, path, isDir)).toBe(expected);
  });
});
