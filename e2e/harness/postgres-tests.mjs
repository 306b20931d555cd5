// The integration tests' second run, with the metadata database on PostgreSQL (issue 16): `prisma migrate deploy`
// on the run's fresh database (e2e/harness/postgres.mjs), vitest's integration project on the files below, and one
// more check outside Prisma, with psql, that the run's rows are in PostgreSQL. Plain Node.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../../lib/cli/migrate.mjs";
import { countRows } from "./postgres.mjs";
import { log, runAsync } from "./sh.mjs";

// Issue 16: the integration tests that run a second time with the metadata database on PostgreSQL: the ones that
// write and read it (jobs, archives, restores, bundles, auth and sessions, audit, rules, the object store's quota).
// The whole suite twice would add about 22 minutes; left out are the tests that never touch the database (detection,
// the store contract, base images) and the long service scenarios (the Debian 11 -> 13 restores, package pristines,
// quiesce, config merges), whose database work is the same as restore-archive's and archive-container's here.
export const POSTGRES_INTEGRATION_TESTS = [
  "lib/db.int.test.ts",
  "lib/cli/postgres-migrations.int.test.ts",
  "lib/jobs/job-runner.int.test.ts",
  "lib/auth/user-store.int.test.ts",
  "lib/auth/shared-sign-in-throttle.int.test.ts",
  "lib/audit/list-events.int.test.ts",
  "lib/rules/preview-rule-set.int.test.ts",
  "lib/archives/archive-container.int.test.ts",
  "lib/archives/archive-capture.int.test.ts",
  "lib/archives/archive-hostile-container.int.test.ts",
  "lib/archives/left-out.int.test.ts",
  "lib/bundles/bundle.int.test.ts",
  "lib/bundles/bundle-capture.int.test.ts",
  "lib/changes/tree/change-tree-routes.int.test.ts",
  "lib/changes/tree/keep-detection.int.test.ts",
  "lib/restores/restore-archive.int.test.ts",
  "lib/restores/restore-migration.int.test.ts",
  "lib/restores/restore-config-check.int.test.ts",
  "lib/restores/restore-hostile.int.test.ts",
  "lib/restores/restore-versioned-paths.int.test.ts",
  "lib/restores/read-kept-texts.int.test.ts",
  "lib/store/archive-on-ceph.int.test.ts",
  "lib/store/archive-quota-on-ceph.int.test.ts",
];

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/**
 * Run `files` on `postgres` (ensurePostgres's answer, or null when it could not start: one failure). Returns the
 * counts to add to the run's totals, and ok: false when anything failed.
 */
export async function runIntegrationOnPostgres({ postgres, artifacts, files = POSTGRES_INTEGRATION_TESTS }) {
  log(`integration tests with the metadata database on PostgreSQL (vitest, ${files.length} files)`);
  const counts = { passed: 0, failed: 0, skipped: 0, ok: true };
  if (!postgres) return { ...counts, failed: 1, ok: false };
  // A renamed test file would otherwise drop out of this run unnoticed.
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length) {
    log(`not found, so not run on PostgreSQL: ${missing.join(", ")} (update POSTGRES_INTEGRATION_TESTS)`);
    counts.failed += 1;
    counts.ok = false;
  }
  const env = { ...process.env, DATABASE_URL: postgres.url };
  const report = path.join(artifacts, "vitest-postgresql.json");
  let code = 1;
  try {
    migrateDatabase({ env, quiet: true });
    code = await runAsync(
      [
        "npx",
        "vitest",
        "run",
        "--project",
        "integration",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
        ...files,
      ],
      { env },
    );
  } catch (error) {
    log(`the PostgreSQL run could not start: ${error.message}`);
  }
  const results = readJson(report);
  if (results) {
    counts.passed += results.numPassedTests;
    counts.failed += results.numFailedTests;
    counts.skipped += results.numPendingTests + (results.numTodoTests ?? 0);
  }
  if (code !== 0) counts.ok = false;
  if (code !== 0 && !results?.numFailedTests) counts.failed += 1; // a crash counts as a failure

  // Outside Prisma: the run's jobs, archives and audit events are rows in PostgreSQL (psql counts them).
  const rows = {};
  for (const table of ["Job", "Archive", "AuditEvent"]) {
    try {
      rows[table] = countRows(postgres, table);
    } catch (error) {
      log(`could not count ${table} in PostgreSQL: ${error.message}`);
      rows[table] = 0;
    }
  }
  log(`rows the PostgreSQL run left: ${JSON.stringify(rows)}`);
  if (Object.values(rows).every((count) => count > 0)) counts.passed += 1;
  else {
    log("the PostgreSQL run left no jobs, archives or audit events in PostgreSQL: its tests did not use it");
    counts.failed += 1;
    counts.ok = false;
  }
  return counts;
}
