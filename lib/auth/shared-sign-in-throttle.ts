import { db } from "@/lib/db";
import { MAX_FAILURES, WINDOW_MS } from "./sign-in-throttle";

// The sign-in throttle (sign-in-throttle.ts) for several dashboards on one PostgreSQL database (issue 16): the same
// rule (MAX_FAILURES failed or pending sign-ins for one name within WINDOW_MS, then 429), counted in the database so a
// guesser gains nothing by spreading attempts over the dashboards. A slot is taken under a transaction-scoped advisory
// lock on the name, so parallel attempts on several dashboards cannot all pass the count. A pending slot left by a
// dashboard that died counts like a failure until the window has passed.

const lockKey = (name: string) => `kura-sign-in:${name}`;
/** A flood of parallel attempts queues for the database's connections and the name's lock: wait, do not fail. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

/** 0 and the slot's id when the attempt may go ahead; else the seconds to wait. */
export async function reserveSharedAttempt(name: string): Promise<{ wait: number; slot: number | null }> {
  const key = name.toLowerCase();
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${lockKey(key)}))) AS held`;
    const now = new Date(); // once the lock is held: the slots before this one are older
    const since = new Date(now.getTime() - WINDOW_MS);
    await tx.signInAttempt.deleteMany({ where: { at: { lt: since } } }); // every name's expired slots: the table stays small
    const counted = await tx.signInAttempt.findMany({ where: { name: key }, orderBy: { at: "asc" }, select: { at: true } });
    if (counted.length >= MAX_FAILURES) {
      const first = counted[0]!.at.getTime();
      return { wait: Math.max(1, Math.ceil((first + WINDOW_MS - now.getTime()) / 1000)), slot: null };
    }
    const row = await tx.signInAttempt.create({ data: { name: key, state: "pending", at: now } });
    return { wait: 0, slot: row.id };
  }, TRANSACTION_OPTIONS);
}

/** The attempt failed: its slot counts from now for the window. */
export async function noteSharedFailure(slot: number): Promise<void> {
  await db.signInAttempt.updateMany({ where: { id: slot }, data: { state: "failed", at: new Date() } });
}

/** The attempt ended without a verdict (an error): its slot is given back. */
export async function releaseSharedAttempt(slot: number): Promise<void> {
  await db.signInAttempt.deleteMany({ where: { id: slot } });
}

/** A successful sign-in: the name starts afresh on every dashboard. Names whose window has passed go too. */
export async function clearSharedFailures(name: string): Promise<void> {
  await db.signInAttempt.deleteMany({ where: { OR: [{ name: name.toLowerCase() }, { at: { lt: new Date(Date.now() - WINDOW_MS) } }] } });
}
