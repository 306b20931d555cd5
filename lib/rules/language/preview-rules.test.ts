import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/changes/classify/types";
import { previewRules, type PreviewEntry } from "@/lib/rules/language/preview-rules";

const rules: Rule[] = [
  { pattern: "/var/log", action: "exclude", note: "" },
  { pattern: "*.log", action: "exclude", note: "" },
  { pattern: "/var/log/app/**", action: "include", note: "" },
  { pattern: "/never", action: "exclude", note: "" },
];
const entries: PreviewEntry[] = [
  { path: "/var/log", type: "dir", size: 4096 },
  { path: "/var/log/syslog", type: "file", size: 100 },
  { path: "/var/log/app", type: "dir", size: 4096 },
  { path: "/var/log/app/access.log", type: "file", size: 1000 },
  { path: "/srv/data/debug.log", type: "file", size: 10 },
  { path: "/srv/data/db.sqlite", type: "file", size: 5000 },
];

describe("previewRules", () => {
  it("counts matches, decisive matches and bytes per rule", () => {
    const preview = previewRules(rules, entries);
    expect(preview.rules).toEqual([
      { index: 0, pattern: "/var/log", action: "exclude", matched: 4, bytes: 1100, decisive: 3, decisiveBytes: 100 },
      { index: 1, pattern: "*.log", action: "exclude", matched: 2, bytes: 1010, decisive: 1, decisiveBytes: 10 },
      { index: 2, pattern: "/var/log/app/**", action: "include", matched: 1, bytes: 1000, decisive: 1, decisiveBytes: 1000 },
      { index: 3, pattern: "/never", action: "exclude", matched: 0, bytes: 0, decisive: 0, decisiveBytes: 0 },
    ]);
  });
  it("totals what is left out and what is kept (directories add no bytes)", () => {
    const preview = previewRules(rules, entries);
    expect(preview.excluded).toEqual({ entries: 4, bytes: 110 }); // /var/log/app itself stays excluded: "/**" covers only its contents
    expect(preview.included).toEqual({ entries: 2, bytes: 6000 });
  });
  it("treats dir-only patterns by entry type", () => {
    const preview = previewRules(
      [{ pattern: "cache/", action: "exclude", note: "" }],
      [
        { path: "/srv/cache", type: "dir", size: 0 },
        { path: "/srv/cache/x", type: "file", size: 7 },
        { path: "/opt/cache", type: "file", size: 3 },
      ],
    );
    expect(preview.rules[0]).toMatchObject({ matched: 2, decisive: 2, bytes: 7 });
    expect(preview.included).toEqual({ entries: 1, bytes: 3 });
  });
  it("handles no rules and no entries", () => {
    expect(previewRules([], entries).included).toEqual({ entries: 6, bytes: 6110 });
    expect(previewRules(rules, []).excluded).toEqual({ entries: 0, bytes: 0 });
  });
});
