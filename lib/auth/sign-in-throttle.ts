// Slows password guessing: after MAX_FAILURES failed sign-ins for one name within WINDOW_MS, that
// name is refused (429) until the window has passed. In memory: a restart forgets, which is fine. Several
// dashboards on one PostgreSQL database count in it instead (shared-sign-in-throttle.ts, issue 16).
//
// An attempt takes its slot BEFORE the (slow) password check: checking first and counting after let
// 500 parallel guesses all through. Slots in flight count like failures; a success clears the name.
// The table is bounded: names whose failures have expired are dropped, and past MAX_NAMES the
// oldest are, so a flood of made-up names cannot grow it without end.

import { processSingleton } from "@/lib/process-singleton";

export const MAX_FAILURES = 5;
export const WINDOW_MS = 5 * 60 * 1000;
export const MAX_NAMES = 10_000;

type Attempts = { failures: number[]; pending: number };

const table = processSingleton("sign-in-attempts", () => new Map<string, Attempts>());

function recent(attempts: Attempts, now: number): number[] {
  attempts.failures = attempts.failures.filter((at) => now - at < WINDOW_MS);
  return attempts.failures;
}

/** Drop expired names; if still full, the oldest-touched tenth (a Map iterates in insertion order). */
function makeRoom(now: number): void {
  if (table.size < MAX_NAMES) return;
  for (const [name, attempts] of table) if (attempts.pending === 0 && recent(attempts, now).length === 0) table.delete(name);
  if (table.size < MAX_NAMES) return;
  let drop = Math.ceil(MAX_NAMES / 10);
  for (const name of table.keys()) {
    if (drop-- <= 0) break;
    table.delete(name);
  }
}

function entryFor(key: string, now: number): Attempts {
  const existing = table.get(key);
  if (existing) {
    // Re-insert, so the Map's order stays "least recently touched first".
    table.delete(key);
    table.set(key, existing);
    return existing;
  }
  makeRoom(now);
  const created: Attempts = { failures: [], pending: 0 };
  table.set(key, created);
  return created;
}

/**
 * Take a slot for one sign-in attempt: 0 when it may go ahead (call noteFailure or clearFailures
 * when it ends), or the seconds to wait when the name has used up its attempts.
 */
export function reserveAttempt(name: string, now = Date.now()): number {
  const attempts = entryFor(name.toLowerCase(), now);
  const failures = recent(attempts, now);
  if (failures.length + attempts.pending >= MAX_FAILURES) return Math.max(1, Math.ceil(((failures[0] ?? now) + WINDOW_MS - now) / 1000));
  attempts.pending++;
  return 0;
}

/** The reserved attempt failed: it stays counted for WINDOW_MS. */
export function noteFailure(name: string, now = Date.now()): void {
  const attempts = entryFor(name.toLowerCase(), now);
  attempts.pending = Math.max(0, attempts.pending - 1);
  recent(attempts, now).push(now);
}

/** The reserved attempt ended without a verdict (an error): give its slot back. */
export function releaseAttempt(name: string): void {
  const attempts = table.get(name.toLowerCase());
  if (attempts) attempts.pending = Math.max(0, attempts.pending - 1);
}

/** A successful sign-in: the name starts afresh. */
export function clearFailures(name: string): void {
  table.delete(name.toLowerCase());
}

/** How many names the throttle remembers (for tests and health checks). */
export function trackedNames(): number {
  return table.size;
}
