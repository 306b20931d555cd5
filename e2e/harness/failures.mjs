// The names of the tests that failed, read from the vitest and Playwright JSON reports, so `npm test` can print them
// again just above its last line: a CI log is often shown only by its tail, and "1 failed" alone says nothing.
// Plain Node.
import { readFileSync } from "node:fs";
import path from "node:path";

const MESSAGE_CHARS = 600;

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

// Colour codes out, whitespace folded, and cut: a failure message can be a whole stack.
function shorten(text) {
  const plain = String(text ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > MESSAGE_CHARS ? `${plain.slice(0, MESSAGE_CHARS)}…` : plain;
}

/** The failures in a vitest JSON report: [{ where, name, message }]. A file that failed outside a test counts too. */
export function vitestFailures(file, root) {
  const report = readJson(file);
  if (!report?.testResults) return [];
  const failures = [];
  for (const result of report.testResults) {
    const where = path.relative(root, result.name ?? "");
    const failedTests = (result.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failedTests) {
      failures.push({ where, name: test.fullName ?? test.title, message: shorten(test.failureMessages?.[0]) });
    }
    if (!failedTests.length && result.status === "failed") {
      failures.push({ where, name: "(the file itself: a hook or an import failed)", message: shorten(result.message) });
    }
  }
  return failures;
}

function* playwrightSpecs(suite, titles) {
  const here = suite.title && !suite.title.endsWith(".ts") ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? []) yield { spec, titles: here };
  for (const child of suite.suites ?? []) yield* playwrightSpecs(child, here);
}

/** The failures in Playwright's JSON report (tests whose every try failed; a flaky pass is not one). */
export function playwrightFailures(file) {
  const report = readJson(file);
  if (!report?.suites) return [];
  const failures = [];
  for (const suite of report.suites) {
    for (const { spec, titles } of playwrightSpecs(suite, [])) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected") continue;
        const last = test.results?.at(-1);
        failures.push({
          where: `${spec.file}:${spec.line}`,
          name: [...titles, spec.title].join(" › "),
          message: shorten(last?.error?.message ?? last?.errors?.[0]?.message),
        });
      }
    }
  }
  return failures;
}

/** The lines to print: one heading per run, a line per failure with where it is and the start of its message. */
export function describeFailures(runs) {
  const lines = [];
  for (const { run, failures } of runs) {
    if (!failures.length) continue;
    lines.push(`failed in ${run}:`);
    for (const failure of failures) {
      lines.push(`  ✘ ${failure.where} › ${failure.name}`);
      if (failure.message) lines.push(`      ${failure.message}`);
    }
  }
  return lines;
}
