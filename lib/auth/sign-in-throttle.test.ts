import { describe, expect, it } from "vitest";
import { MAX_NAMES, clearFailures, noteFailure, reserveAttempt, trackedNames } from "./sign-in-throttle";

const WINDOW_MS = 5 * 60 * 1000;

describe("sign-in throttle", () => {
  it("lets only 5 of 200 parallel attempts for one name through before any of them is checked", () => {
    const now = 1_000_000;
    const waits = Array.from({ length: 200 }, () => reserveAttempt("parallel", now));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect(waits.filter((wait) => wait > 0)).toHaveLength(195);
    for (let i = 0; i < 5; i++) noteFailure("parallel", now + 10);
    expect(reserveAttempt("Parallel", now + 20)).toBeGreaterThan(0);
    expect(reserveAttempt("parallel", now + 10 + WINDOW_MS)).toBe(0);
  });
  it("starts afresh after a success, and counts names case-insensitively", () => {
    const now = 2_000_000;
    for (let i = 0; i < 4; i++) {
      expect(reserveAttempt("Alice", now)).toBe(0);
      noteFailure("alice", now);
    }
    expect(reserveAttempt("ALICE", now)).toBe(0);
    clearFailures("alice");
    for (let i = 0; i < 5; i++) expect(reserveAttempt("alice", now)).toBe(0);
    expect(reserveAttempt("alice", now)).toBeGreaterThan(0);
  });
  it("remembers at most MAX_NAMES names, whatever a flood of made-up names does", () => {
    const now = 3_000_000;
    for (let i = 0; i < MAX_NAMES * 3; i++) {
      reserveAttempt(`flood-${i}`, now);
      noteFailure(`flood-${i}`, now);
    }
    expect(trackedNames()).toBeLessThanOrEqual(MAX_NAMES);
    // Once their failures expire, names are dropped as new ones come.
    for (let i = 0; i < MAX_NAMES; i++) reserveAttempt(`later-${i}`, now + WINDOW_MS + 1);
    expect(trackedNames()).toBeLessThanOrEqual(MAX_NAMES);
  });
});
