import { describe, expect, it } from "vitest";
import { databaseProvider } from "@/lib/database-url";
import { db } from "@/lib/db";
import { clearSharedFailures, noteSharedFailure, releaseSharedAttempt, reserveSharedAttempt } from "./shared-sign-in-throttle";
import { MAX_FAILURES } from "./sign-in-throttle";

// Issue 16: the sign-in throttle several dashboards share, on PostgreSQL (its advisory lock is PostgreSQL's; with
// SQLite there is one dashboard and the throttle is in memory). Runs in the PostgreSQL run of the integration tests.
const onPostgres = databaseProvider(process.env.DATABASE_URL ?? "") === "postgresql";

describe.skipIf(!onPostgres)("the shared sign-in throttle", () => {
  it("of 60 parallel attempts for one name, exactly MAX_FAILURES get a slot; the rest are told how long to wait", async () => {
    const name = `Guessed-${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 60 }, () => reserveSharedAttempt(name)));
    const admitted = results.filter((result) => result.wait === 0);
    expect(admitted).toHaveLength(MAX_FAILURES);
    expect(results.filter((result) => result.wait > 0).every((result) => result.wait <= 300)).toBe(true);
    for (const { slot } of admitted) await noteSharedFailure(slot!);
    // Another spelling of the name is the same name; still refused after the failures.
    expect((await reserveSharedAttempt(name.toUpperCase())).wait).toBeGreaterThan(0);
    await clearSharedFailures(name);
    expect((await reserveSharedAttempt(name)).wait).toBe(0);
    await clearSharedFailures(name);
  });

  it("a slot given back (an error, no verdict) frees its place; failures older than the window no longer count", async () => {
    const name = `released-${Date.now()}`;
    const first = await reserveSharedAttempt(name);
    await releaseSharedAttempt(first.slot!);
    expect(await db.signInAttempt.count({ where: { name } })).toBe(0);
    const old = new Date(Date.now() - 6 * 60 * 1000);
    for (let i = 0; i < MAX_FAILURES; i++) await db.signInAttempt.create({ data: { name, state: "failed", at: old } });
    expect((await reserveSharedAttempt(name)).wait).toBe(0);
    await clearSharedFailures(name);
  });
});
