// Slows password guessing: after MAX_FAILURES failed sign-ins for one name within WINDOW_MS, that
// name is refused (429) until the window has passed. In memory: a restart forgets, which is fine.

const MAX_FAILURES = 5;
const WINDOW_MS = 5 * 60 * 1000;
const failures = ((globalThis as unknown as { kuraSignInFailures?: Map<string, number[]> }).kuraSignInFailures ??= new Map<string, number[]>());

function recent(name: string, now: number): number[] {
  const kept = (failures.get(name) ?? []).filter((at: number) => now - at < WINDOW_MS);
  failures.set(name, kept);
  return kept;
}

/** Seconds to wait before trying again, or 0. */
export function retryAfter(name: string, now = Date.now()): number {
  const list = recent(name.toLowerCase(), now);
  if (list.length < MAX_FAILURES) return 0;
  return Math.ceil((list[0]! + WINDOW_MS - now) / 1000);
}

export function noteFailure(name: string, now = Date.now()): void {
  recent(name.toLowerCase(), now).push(now);
}

export function clearFailures(name: string): void {
  failures.delete(name.toLowerCase());
}
