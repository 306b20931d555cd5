#!/usr/bin/env node
// `npm test`: prepare everything the tests need (dependencies, a Docker engine, a second one
// for multi-engine tests, base images, Chromium, a fresh database), run unit, integration and
// e2e tests, clean up what it created, and print one "N passed, N failed" line.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUSYBOX_TAG,
  copyImage,
  ensureBusyboxImage,
  ensureDebianImage,
  ensurePrimaryEngine,
  removeTestContainers,
  startPrivateEngine,
  stopEngine,
} from "./engine.mjs";
import { aptInstall, log, run, runAsync } from "./sh.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root);

const artifacts = path.join(root, "e2e", ".artifacts");
const dataDir = path.join(artifacts, "data");
const started = [];

async function prepare() {
  if (!existsSync("node_modules/.package-lock.json") || statSync("package-lock.json").mtimeMs > statSync("node_modules/.package-lock.json").mtimeMs) {
    log("installing dependencies (npm install)");
    run(["npm", "install", "--no-audit", "--no-fund"]);
  }

  const primary = await ensurePrimaryEngine();
  if (primary.started) started.push(primary);
  const secondary = await startPrivateEngine({ root: "/tmp/kura-e2", dataRoot: "/tmp/kura-e2/data" });
  if (secondary.started) started.push(secondary);

  ensureBusyboxImage(primary.socketPath);
  ensureDebianImage(primary.socketPath, "bookworm");
  ensureDebianImage(primary.socketPath, "trixie");
  copyImage(primary.socketPath, secondary.socketPath, BUSYBOX_TAG);
  removeTestContainers(primary.socketPath);
  removeTestContainers(secondary.socketPath);

  if (!existsSync("/usr/bin/chromium")) aptInstall(["chromium"]);

  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    KURA_DATA_DIR: dataDir,
    DATABASE_URL: `file:${path.join(dataDir, "kura.db")}`,
    DOCKER_HOST: `unix://${primary.socketPath}`,
    KURA_TEST_ENGINE2_SOCKET: secondary.socketPath,
    KURA_BUILD_NETWORK: process.env.KURA_BUILD_NETWORK ?? "host",
  };
  Object.assign(process.env, env);
  run(["npx", "prisma", "generate"], { quiet: true });
  run(["npx", "prisma", "migrate", "deploy"], { quiet: true });
  log("building the dashboard (next build)");
  run(["npx", "next", "build"], { quiet: true });
  return { primary, secondary };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

async function main() {
  let engines;
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 0;
  try {
    engines = await prepare();

    log("unit and integration tests (vitest)");
    const vitestReport = path.join(artifacts, "vitest.json");
    const vitestCode = await runAsync(["npx", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`]);
    const vitest = readJson(vitestReport);
    if (vitest) {
      totals.passed += vitest.numPassedTests;
      totals.failed += vitest.numFailedTests;
      totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
    }
    if (vitestCode !== 0) exitCode = 1;
    if (vitestCode !== 0 && !vitest?.numFailedTests) totals.failed += 1; // a crash counts as a failure

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
    if (engines) {
      removeTestContainers(engines.primary.socketPath);
      removeTestContainers(engines.secondary.socketPath);
    }
    for (const engine of started) await stopEngine(engine);
  }
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(exitCode);
}

main();
