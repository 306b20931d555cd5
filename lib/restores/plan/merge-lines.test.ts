import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFLICT_MARKERS, mergeLines, mergeText } from "./merge-lines";

// Real files: Debian 11's pristine configuration, an admin's edit of it in a container, and Debian
// 13's default (copied out of debian:bullseye and debian:trixie images with the packages installed).
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", "merge", name), "utf8");

describe("mergeLines", () => {
  it("applies both sides' changes to different lines, even adjacent ones", () => {
    const base = ["# comment", "key = 1", "other = 2"];
    const ours = ["# comment", "key = 5", "other = 2"];
    const theirs = ["# a reworded comment", "key = 1", "other = 2", "added = 3"];
    expect(mergeLines(base, ours, theirs)).toEqual({ lines: ["# a reworded comment", "key = 5", "other = 2", "added = 3"], conflicts: [] });
  });

  it("reports two different changes to the same line as a conflict with the three versions", () => {
    const merged = mergeLines(["a", "key = 1", "b"], ["a", "key = 5", "b"], ["a", "key = 2", "b"]);
    expect(merged.conflicts).toEqual([
      { baseStart: 1, baseEnd: 2, theirsStart: 1, base: ["key = 1"], ours: ["key = 5"], theirs: ["key = 2"] },
    ]);
    // Where it starts in the new version, after lines the new version added above it.
    expect(mergeLines(["a", "k = 1"], ["a", "k = 5"], ["new", "a", "k = 2"]).conflicts[0]?.theirsStart).toBe(2);
    expect(merged.lines).toEqual([
      "a",
      CONFLICT_MARKERS.ours,
      "key = 5",
      CONFLICT_MARKERS.base,
      "key = 1",
      CONFLICT_MARKERS.theirs,
      "key = 2",
      CONFLICT_MARKERS.end,
      "b",
    ]);
  });

  it("takes the same change made on both sides once", () => {
    expect(mergeLines(["a", "b", "c"], ["a", "B", "C"], ["a", "B", "c"])).toEqual({ lines: ["a", "B", "C"], conflicts: [] });
    expect(mergeLines(["a", "b"], ["x", "a", "B"], ["a", "B"])).toEqual({ lines: ["x", "a", "B"], conflicts: [] });
  });

  it("conflicts on two different insertions at one place, not on an insertion beside a change", () => {
    expect(mergeLines(["a", "b"], ["a", "x", "b"], ["a", "y", "b"]).conflicts).toHaveLength(1);
    expect(mergeLines(["a", "b"], ["a", "x", "b"], ["a", "B"])).toEqual({ lines: ["a", "x", "B"], conflicts: [] });
    expect(mergeLines(["a", "b", "c"], ["a", "B", "c"], ["a", "b", "x", "c"])).toEqual({ lines: ["a", "B", "x", "c"], conflicts: [] });
  });

  it("keeps a line the admin deleted deleted, and the new default's lines around it", () => {
    expect(mergeLines(["a", "b", "c"], ["a", "c"], ["A", "b", "c"])).toEqual({ lines: ["A", "c"], conflicts: [] });
  });
});

describe("real Debian 11 -> 13 configuration files", () => {
  it("sshd_config: the admin's settings on OpenSSH 10's default, which reworded the comment above them", () => {
    const merged = mergeText(fixture("sshd_config.bullseye"), fixture("sshd_config.edited"), fixture("sshd_config.trixie"));
    expect(merged.conflicts).toEqual([]);
    expect(merged.text).toMatch(/^PasswordAuthentication no$/m);
    expect(merged.text).toMatch(/^AllowUsers dave$/m);
    // Lines the admin never touched take the new default.
    expect(merged.text).toMatch(/^KbdInteractiveAuthentication no$/m);
    expect(merged.text).not.toMatch(/^ChallengeResponseAuthentication/m);
    expect(merged.text).toContain('# To disable tunneled clear text passwords, change to "no" here!');
  });

  it("php.ini: memory_limit = 256M on PHP 8.4's default, whose link above it changed to https", () => {
    const merged = mergeText(fixture("php.ini.7.4"), fixture("php.ini.7.4.edited"), fixture("php.ini.8.4"));
    expect(merged.conflicts).toEqual([]);
    expect(merged.text.match(/^memory_limit = .*$/gm)).toEqual(["memory_limit = 256M"]);
    expect(merged.text).toContain("; https://php.net/memory-limit");
  });

  it("redis.conf: the admin's password and memory limit on Redis 8's default; the untouched bind takes -::1", () => {
    const merged = mergeText(fixture("redis.conf.6.0"), fixture("redis.conf.6.0.edited"), fixture("redis.conf.8.0"));
    expect(merged.conflicts).toEqual([]);
    expect(merged.text).toMatch(/^requirepass redis-secret-1$/m);
    expect(merged.text).toMatch(/^maxmemory 64mb$/m);
    expect(merged.text.match(/^bind .*$/gm)).toEqual(["bind 127.0.0.1 -::1"]);
  });
});
