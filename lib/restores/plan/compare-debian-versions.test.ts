import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compareDebianVersions, isValidDebianVersion, parseDebianVersion, stripEpoch } from "@/lib/restores/plan/compare-debian-versions";

// Pairs [smaller, larger] as dpkg orders them (deb-version(7) and dpkg's own test suite).
const ORDERED: [string, string][] = [
  ["1.0~rc1", "1.0"],
  ["1.0~~", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0", "1.0a"],
  ["1.0", "1.0.1"],
  ["1.0", "1.0+dfsg"],
  ["1.0a", "1.0b"],
  ["1.0z", "1.0+"],
  ["1.0", "1.0-1"],
  ["1.0-1", "1.0-2"],
  ["1.0-9", "1.0-10"],
  ["1.2", "1.10"],
  ["2.0", "1:1.0"],
  ["1:9.9", "2:0.1"],
  ["2:4.17.12+dfsg-0+deb12u1", "2:4.22.4+dfsg-1"],
  ["2:3.6.25-1", "2:4.0.0"],
  ["1:8.4p1-5+deb11u3", "1:8.7p1-1"],
  ["1:8.7p1-1", "1:9.2p1-2+deb12u3"],
  ["2.2.22-13+deb7u7", "2.4.62-1~deb12u2"],
  ["2.4.62-1~deb12u2", "2.4.62-1"],
  ["1.0-1~bpo12+1", "1.0-1"],
  ["5.5.62-0+deb8u1", "5.7"],
  ["0.9", "1"],
  ["a", "b"],
];

describe("compareDebianVersions", () => {
  it.each(ORDERED)("%s < %s", (smaller, larger) => {
    expect(compareDebianVersions(smaller, larger)).toBe(-1);
    expect(compareDebianVersions(larger, smaller)).toBe(1);
  });
  it("treats equal spellings as equal", () => {
    expect(compareDebianVersions("1.0", "1.0")).toBe(0);
    expect(compareDebianVersions("1.0", "0:1.0")).toBe(0);
    expect(compareDebianVersions("1.0", "1.0-0")).toBe(0);
    expect(compareDebianVersions("1.01", "1.1")).toBe(0);
    expect(compareDebianVersions("1.0-", "1.0-")).toBe(0);
  });
  it("agrees with dpkg --compare-versions on this machine", () => {
    let dpkg = true;
    try {
      execFileSync("dpkg", ["--version"], { stdio: "ignore" });
    } catch {
      dpkg = false;
    }
    if (!dpkg) return;
    const versions = ["1.0~rc1", "1.0", "1:0.5", "2:4.17.12+dfsg-0+deb12u1", "2:4.22.4+dfsg-1", "1.0+b1", "1.0a~", "9.99-1"];
    for (const a of versions) {
      for (const b of versions) {
        const status = (op: string) => {
          try {
            execFileSync("dpkg", ["--compare-versions", a, op, b], { stdio: "ignore" });
            return true;
          } catch {
            return false;
          }
        };
        const expected = status("lt") ? -1 : status("gt") ? 1 : 0;
        expect([a, b, compareDebianVersions(a, b)]).toEqual([a, b, expected]);
      }
    }
  });
});

describe("parseDebianVersion", () => {
  it("splits epoch, upstream and revision at the last hyphen", () => {
    expect(parseDebianVersion("2:4.17.12+dfsg-0+deb12u1")).toEqual({ epoch: 2, upstream: "4.17.12+dfsg", revision: "0+deb12u1" });
    expect(parseDebianVersion("1.2-3-4")).toEqual({ epoch: 0, upstream: "1.2-3", revision: "4" });
    expect(parseDebianVersion("1:2:3")).toEqual({ epoch: 1, upstream: "2:3", revision: "" });
    expect(parseDebianVersion("7")).toEqual({ epoch: 0, upstream: "7", revision: "" });
  });
  it("rejects what dpkg rejects", () => {
    for (const bad of ["", "abc", "1.0 beta", "x:1.0", "1:", "-1", "1.0_2"] as const) expect(isValidDebianVersion(bad)).toBe(false);
  });
  it("strips an epoch", () => {
    expect(stripEpoch("2:3.6.25-1")).toBe("3.6.25-1");
    expect(stripEpoch("3.6.25-1")).toBe("3.6.25-1");
  });
});
