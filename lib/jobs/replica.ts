import { randomBytes } from "node:crypto";
import os from "node:os";
import { databaseProvider } from "@/lib/database-url";
import { env } from "@/lib/env";
import { processSingleton } from "@/lib/process-singleton";

// Several dashboards on one database (issue 16). With PostgreSQL, any number of dashboard processes may share the
// database and the object store: each runs the jobs it started, holds a lease on them it renews, and ends the jobs of
// a dashboard whose leases ran out. With SQLite, the embedded default, there is one dashboard by definition.

/** This process's name in the Job rows it owns. */
export const replicaId: string = processSingleton(
  "replica-id",
  () =>
    env.KURA_REPLICA_ID ??
    `${os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 60)}-${process.pid}-${randomBytes(3).toString("hex")}`,
);

/** Whether other dashboards may share this database (PostgreSQL): then nothing is assumed to be this process's alone. */
export function databaseIsShared(): boolean {
  return databaseProvider(env.DATABASE_URL) === "postgresql";
}

export function jobLeaseMs(): number {
  return env.KURA_JOB_LEASE_MS;
}
