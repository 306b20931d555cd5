import { describe, expect, it } from "vitest";
import { parseVersionRange, validateVersionRange, versionInRange } from "@/lib/restores/plan/version-range";

function inRange(range: string, version: string): boolean {
  const parsed = parseVersionRange(range);
  if (!parsed.ok) throw new Error(parsed.error);
  return versionInRange(parsed.range, version);
}

describe("parseVersionRange", () => {
  it("reads *, single conditions and comma-joined ones", () => {
    expect(parseVersionRange("*")).toEqual({ ok: true, range: { text: "*", clauses: [] } });
    expect(parseVersionRange(" >=2.2 ,<2.4 ")).toEqual({
      ok: true,
      range: {
        text: ">= 2.2, < 2.4",
        clauses: [
          { op: ">=", version: "2.2" },
          { op: "<", version: "2.4" },
        ],
      },
    });
    expect(parseVersionRange("<< 1:8.7")).toMatchObject({ ok: true, range: { clauses: [{ op: "<", version: "1:8.7" }] } });
    expect(parseVersionRange(">> 4")).toMatchObject({ ok: true, range: { clauses: [{ op: ">", version: "4" }] } });
    expect(parseVersionRange("= 1.0-1")).toMatchObject({ ok: true, range: { clauses: [{ op: "=", version: "1.0-1" }] } });
  });
  it("explains what is wrong", () => {
    expect(validateVersionRange("")).toMatch(/empty/);
    expect(validateVersionRange("4")).toMatch(/operator/);
    expect(validateVersionRange("< 4,")).toMatch(/empty part/);
    expect(validateVersionRange("< four")).toMatch(/not a Debian version/);
    expect(validateVersionRange("=> 4")).toMatch(/not a version condition/);
    expect(validateVersionRange("< 4 5")).toMatch(/not a version condition/);
    expect(validateVersionRange("* , < 4")).toMatch(/not a version condition/);
    expect(validateVersionRange(">= 2.2, < 2.4")).toBeNull();
  });
});

describe("versionInRange", () => {
  it("matches every operator", () => {
    expect(inRange("< 4", "3.9")).toBe(true);
    expect(inRange("< 4", "4")).toBe(false);
    expect(inRange("<= 4", "4")).toBe(true);
    expect(inRange("= 4", "4.0")).toBe(false);
    expect(inRange("= 4", "4")).toBe(true);
    expect(inRange(">= 4", "4~rc1")).toBe(false);
    expect(inRange("> 4", "4.0")).toBe(true);
    expect(inRange("*", "0.0.1")).toBe(true);
  });
  it("ANDs the conditions", () => {
    expect(inRange(">= 2.2, < 2.4", "2.2.22-13+deb7u7")).toBe(true);
    expect(inRange(">= 2.2, < 2.4", "2.4.62-1")).toBe(false);
    expect(inRange(">= 2.2, < 2.4", "2.0.65-1")).toBe(false);
  });
  it("compares without the package's epoch when the range version has none", () => {
    expect(inRange("< 4", "2:3.6.25-1")).toBe(true);
    expect(inRange(">= 4", "2:4.22.4+dfsg-1")).toBe(true);
    expect(inRange(">= 4", "2:3.6.25-1")).toBe(false);
  });
  it("compares with the epoch when the range version has one", () => {
    expect(inRange("< 1:8.7", "1:8.4p1-5+deb11u3")).toBe(true);
    expect(inRange(">= 1:8.7", "1:9.2p1-2+deb12u3")).toBe(true);
    expect(inRange("< 1:8.7", "9.9")).toBe(true);
    expect(inRange("< 2:4", "1:9.0")).toBe(true);
  });
});
