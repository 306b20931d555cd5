#!/usr/bin/env node
// `npm test`: prepare everything the tests need (see prepare.mjs), run the static checks (types,
// lint, format), unit and integration tests, the integration tests that use the database again on
// PostgreSQL (postgres-tests.mjs), e2e tests, clean up what it created, name the tests that failed (failures.mjs)
// and print one "N passed, N failed" line.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeFailures, playwrightFailures, vitestFailures } from "./failures.mjs";
import { runIntegrationOnPostgres } from "./postgres-tests.mjs";
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
  const failedChecks = [];
  try {
    prepared = await prepare({ artifacts });

    // Static checks first: each counts as one test, and a failure fails the run (but the tests still run).
    for (const [what, command] of STATIC_CHECKS) {
      log(what);
      const code = await runAsync(command);
      if (code === 0) totals.passed += 1;
      else {
        totals.failed += 1;
        failedChecks.push({ where: "static check", name: what, message: "" });
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

    // The integration tests that use the database again, on PostgreSQL (issue 16), counted like the first run's.
    const onPostgres = await runIntegrationOnPostgres({ postgres: prepared.postgres, artifacts });
    totals.passed += onPostgres.passed;
    totals.failed += onPostgres.failed;
    totals.skipped += onPostgres.skipped;
    if (!onPostgres.ok) exitCode = 1;

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
  const lines = describeFailures([
    { run: "the static checks", failures: failedChecks },
    { run: "vitest (SQLite)", failures: vitestFailures(path.join(artifacts, "vitest.json"), root) },
    { run: "vitest (PostgreSQL)", failures: vitestFailures(path.join(artifacts, "vitest-postgresql.json"), root) },
    { run: "Playwright", failures: playwrightFailures(path.join(artifacts, "playwright.json")) },
  ]);
  if (lines.length) process.stdout.write(`\n${lines.join("\n")}\n`);
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(exitCode);
}

main();
