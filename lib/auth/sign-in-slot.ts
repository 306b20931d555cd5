import { databaseIsShared } from "@/lib/jobs/replica";
import { clearSharedFailures, noteSharedFailure, releaseSharedAttempt, reserveSharedAttempt } from "./shared-sign-in-throttle";
import { clearFailures, noteFailure, releaseAttempt, reserveAttempt } from "./sign-in-throttle";

/** One sign-in attempt's place in the throttle: wait > 0 means refused; otherwise end it with one of the three. */
export type SignInSlot = { wait: number; failed(): Promise<void>; release(): Promise<void>; succeeded(): Promise<void> };

/**
 * The throttle the sign-in route uses: in this process's memory with SQLite (the only dashboard), in the database
 * with PostgreSQL (several dashboards may share it, issue 16).
 */
export async function takeSignInSlot(name: string): Promise<SignInSlot> {
  if (databaseIsShared()) {
    const { wait, slot } = await reserveSharedAttempt(name);
    return {
      wait,
      failed: async () => (slot === null ? undefined : noteSharedFailure(slot)),
      release: async () => (slot === null ? undefined : releaseSharedAttempt(slot)),
      succeeded: () => clearSharedFailures(name),
    };
  }
  const wait = reserveAttempt(name);
  return {
    wait,
    failed: async () => noteFailure(name),
    release: async () => releaseAttempt(name),
    succeeded: async () => clearFailures(name),
  };
}
