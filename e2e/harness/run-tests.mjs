#!/usr/bin/env node
// `npm test`: prepare everything the tests need (see prepare.mjs), run the static checks (types,
// lint, format), unit, integration and e2e tests, clean up what it created, and print one
// "N passed, N failed" line.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrateDatabase } from "../../lib/cli/migrate.mjs";
import { countRows } from "./postgres.mjs";
import { cleanUp, prepare } from "./prepare.mjs";
import { log, run, runAsync } from "./sh.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root);
const artifacts = path.join(root, "e2e", ".artifacts");

const STATIC_CHECKS = [
  ["types (tsc --noEmit)", ["npx", "tsc", "--noEmit"]],
  ["lint (eslint: the house rules)", ["npx", "eslint", "--max-warnings=0", "."]],
  ["format (prettier --check)", ["npx", "prettier", "--check", "--log-level=warn", "."]],
];

// Issue 16: the integration tests that run a second time with the metadata database on PostgreSQL: the ones that
// write and read it (jobs, archives, restores, bundles, auth and sessions, audit, rules, the object store's quota).
// The whole suite twice would add about 22 minutes; left out are the tests that never touch the database (detection,
// the store contract, base images) and the long service scenarios (the Debian 11 -> 13 restores, package pristines,
// quiesce, config merges), whose database work is the same as restore-archive's and archive-container's here.
const POSTGRES_INTEGRATION_TESTS = [
  "lib/db.int.test.ts",
  "lib/cli/postgres-migrations.int.test.ts",
  "lib/jobs/job-runner.int.test.ts",
  "lib/auth/user-store.int.test.ts",
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

async function main() {
  let prepared;
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 0;
  try {
    prepared = await prepare({ artifacts });

    // Static checks first: each counts as one test, and a failure fails the run (but the tests still run).
    for (const [what, command] of STATIC_CHECKS) {
      log(what);
      const code = await runAsync(command);
      if (code === 0) totals.passed += 1;
      else {
        totals.failed += 1;
        exitCode = 1;
      }
    }

    // The integration tests get a database of their own: the users, jobs and archives they make must
    // not be what the e2e dashboards find at start (with a user already there, no first admin is made).
    log("unit and integration tests (vitest)");
    const integrationEnv = { ...process.env, DATABASE_URL: `file:${path.join(artifacts, "data", "kura-integration.db")}` };
    run(["npx", "prisma", "migrate", "deploy"], { quiet: true, env: integrationEnv });
    const vitestReport = path.join(artifacts, "vitest.json");
    const vitestCode = await runAsync(
      ["npx", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`],
      {
        env: integrationEnv,
      },
    );
    const vitest = readJson(vitestReport);
    if (vitest) {
      totals.passed += vitest.numPassedTests;
      totals.failed += vitest.numFailedTests;
      totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
    }
    if (vitestCode !== 0) exitCode = 1;
    if (vitestCode !== 0 && !vitest?.numFailedTests) totals.failed += 1; // a crash counts as a failure

    // The same integration tests (those that use the database) on PostgreSQL, counted like the first run's.
    log(`integration tests with the metadata database on PostgreSQL (vitest, ${POSTGRES_INTEGRATION_TESTS.length} files)`);
    if (!prepared.postgres) {
      totals.failed += 1;
      exitCode = 1;
    } else {
      const postgresEnv = { ...process.env, DATABASE_URL: prepared.postgres.url };
      const postgresReport = path.join(artifacts, "vitest-postgresql.json");
      let postgresCode = 1;
      try {
        migrateDatabase({ env: postgresEnv, quiet: true });
        postgresCode = await runAsync(
          [
            "npx",
            "vitest",
            "run",
            "--project",
            "integration",
            "--reporter=default",
            "--reporter=json",
            `--outputFile.json=${postgresReport}`,
            ...POSTGRES_INTEGRATION_TESTS,
          ],
          { env: postgresEnv },
        );
      } catch (error) {
        log(`PostgreSQL run failed to start: ${error.message}`);
      }
      const postgresResults = readJson(postgresReport);
      if (postgresResults) {
        totals.passed += postgresResults.numPassedTests;
        totals.failed += postgresResults.numFailedTests;
        totals.skipped += postgresResults.numPendingTests + (postgresResults.numTodoTests ?? 0);
      }
      if (postgresCode !== 0) exitCode = 1;
      if (postgresCode !== 0 && !postgresResults?.numFailedTests) totals.failed += 1;
      // One more check, outside Prisma: the run's jobs and archives are rows in PostgreSQL (psql counts them).
      const counts = Object.fromEntries(
        ["Job", "Archive", "AuditEvent"].map((table) => {
          try {
            return [table, countRows(prepared.postgres, table)];
          } catch (error) {
            log(`could not count ${table} in PostgreSQL: ${error.message}`);
            return [table, 0];
          }
        }),
      );
      log(`rows the PostgreSQL run left: ${JSON.stringify(counts)}`);
      if (Object.values(counts).every((count) => count > 0)) totals.passed += 1;
      else {
        totals.failed += 1;
        exitCode = 1;
      }
    }

    log("end-to-end tests (Playwright, Chromium)");
    const playwrightCode = await runAsync(["npx", "playwright", "test"]);
    const playwright = readJson(path.join(artifacts, "playwright.json"));
    if (playwright?.stats) {
      totals.passed += playwright.stats.expected + playwright.stats.flaky;
      totals.failed += playwright.stats.unexpected;
      totals.skipped += playwright.stats.skipped;
    }
    if (playwrightCode !== 0) exitCode = 1;
    if (playwrightCode !== 0 && !playwright?.stats?.unexpected) totals.failed += 1;
  } catch (error) {
    process.stderr.write(`[kura-test] setup failed: ${error.message}\n`);
    exitCode = 1;
    totals.failed += 1;
  } finally {
    await cleanUp(prepared);
  }
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(exitCode);
}

main();
