import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { printable, shellQuote } from "@/lib/restores/plan/quote-shell";
import { ancestorsOf, checkAbsolutePath, isAccountFile, isProtectedPath } from "@/lib/restores/plan/restore-paths";

describe("shellQuote", () => {
  it("survives a real shell unchanged", () => {
    for (const value of ["plain", "", "it's", "'", "a b\tc\nd", "$(touch x) `id` $HOME ${x} \\", "*?[a]", "ünï ☃", "-n"]) {
      expect(execFileSync("sh", ["-c", `printf '%s' ${shellQuote(value)}`], { encoding: "utf8" })).toBe(value);
    }
  });
  it("refuses NUL and shows control characters", () => {
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
    expect(printable("a\nb\x7f")).toBe("a\\x0ab\\x7f");
  });
});

describe("restore paths", () => {
  it("checks, classifies and walks paths", () => {
    expect(checkAbsolutePath("/srv/a b/ü")).toBeNull();
    expect(checkAbsolutePath("/srv//x")).toMatch(/empty/);
    expect(checkAbsolutePath("/srv/x/")).toMatch(/empty/);
    expect(isAccountFile("/etc/gshadow")).toBe(true);
    expect(isAccountFile("/etc/passwd-")).toBe(false);
    expect(isProtectedPath("/dev")).toBe(true);
    expect(isProtectedPath("/device")).toBe(false);
    expect(ancestorsOf("/a/b/c")).toEqual(["/a", "/a/b"]);
    expect(ancestorsOf("/a")).toEqual([]);
  });
});
