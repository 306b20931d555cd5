import type { Readable } from "node:stream";
import type { Capture } from "@/lib/archives/manifest";
import { execInContainer } from "@/lib/docker/exec-in-container";
import { execToStream, type ExecStreamResult } from "@/lib/docker/exec-to-stream";
import { readContainerFile } from "@/lib/docker/read-container-file";
import { formatBytes, type ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";
import type { PutResult } from "@/lib/store/blob-store";
import { store } from "@/lib/store/store";
import { ITEM_PATTERN, MAX_ITEMS, type CaptureRecipe } from "./capture-recipe-schema";
import { captureFileName, readConfigValue, type MatchedRecipe } from "./match-capture-recipes";

// Runs the matched capture recipes inside a running container (docker exec, never on Kura's host) and streams each
// output into the content store, bounded by `maxBytes`. A recipe that fails, times out or prints too much is a
// warning naming it (its output is not archived; the raw files still are), never a hang: the container is anyone's.

export type CaptureRunOptions = {
  maxBytes: number;
  signal: AbortSignal;
  /** A sentence for the job's progress ("Running pg_dumpall as postgres (PostgreSQL)"). */
  onStep: (message: string) => void;
};

export type CaptureRunResult = { captures: Capture[]; warnings: ReadWarning[]; storedBytes: number };

const SMALL_COMMAND_TIMEOUT_MS = 30_000;
const CONFIG_FILE_MAX_BYTES = 256 * 1024;
const EXPECT_OUTPUT_BYTES = 4096;

/** One line, printable, at most `max` characters: what a container said, fit to show. */
function clean(text: string, max: number): string {
  const printable = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "").trim();
  return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}

function firstLine(text: string): string {
  return clean(text.split("\n").find((line) => line.trim() !== "") ?? "", 200);
}

async function readEnv(engine: EngineConnection, containerId: string, recipe: CaptureRecipe): Promise<string[]> {
  const pairs: string[] = [];
  for (const entry of recipe.env) {
    try {
      const text = await readContainerFile(engine, containerId, entry.file, CONFIG_FILE_MAX_BYTES);
      const value = text ? readConfigValue(text.toString("utf8"), entry.key) : null;
      if (value !== null && !/[\0\n]/.test(value)) pairs.push(`${entry.name}=${value}`);
    } catch {
      // No such file (or too large): the command runs without the variable and says so itself if it needs it.
    }
  }
  return pairs;
}

/** The server's own word on its version (first line); "" when it has no version command or it failed. */
async function readServerVersion(engine: EngineConnection, containerId: string, recipe: CaptureRecipe): Promise<string> {
  if (!recipe.versionArgv) return "";
  try {
    const run = await execInContainer(engine, containerId, recipe.versionArgv, { user: recipe.user, timeoutMs: SMALL_COMMAND_TIMEOUT_MS });
    return run.exitCode === 0 ? firstLine(run.output) : "";
  } catch {
    return "";
  }
}

async function listItems(engine: EngineConnection, containerId: string, recipe: CaptureRecipe): Promise<string[] | string> {
  if (!recipe.eachArgv) return [];
  const run = await execInContainer(engine, containerId, recipe.eachArgv, { user: recipe.user, timeoutMs: SMALL_COMMAND_TIMEOUT_MS });
  if (run.timedOut) return "listing what to capture timed out";
  if (run.exitCode !== 0) return `listing what to capture exited with ${run.exitCode}: ${clean(run.output, 300)}`;
  const items = [...new Set(run.output.split("\n").map((line) => line.trim()))].filter((line) => ITEM_PATTERN.test(line));
  if (!items.length) return "listing what to capture printed nothing it could use";
  return items.slice(0, MAX_ITEMS);
}

function describeFailure(recipe: CaptureRecipe, result: ExecStreamResult, maxBytes: number, extra: string | null): string {
  const stderr = clean(result.stderr, 300);
  const said = stderr ? ` It said: ${stderr}` : "";
  switch (result.outcome) {
    case "over-limit":
      return `printed more than ${formatBytes(maxBytes)} (KURA_CAPTURE_MAX_BYTES) and was cut off.`;
    case "timed-out":
      return `did not finish within ${recipe.timeoutSeconds} s and was given up (it may still run inside the container).${said}`;
    case "aborted":
      return "was cancelled.";
    case "consumer-failed":
      return `its output could not be stored${extra ? `: ${extra}` : ""}.`;
    case "exited":
      return extra ?? `exited with code ${result.exitCode}.${said}`;
  }
}

export async function runCaptureRecipes(
  engine: EngineConnection,
  containerId: string,
  matched: readonly MatchedRecipe[],
  options: CaptureRunOptions,
): Promise<CaptureRunResult> {
  const captures: Capture[] = [];
  const warnings: ReadWarning[] = [];
  let storedBytes = 0;
  for (const { recipe, package: pkg } of matched) {
    options.signal.throwIfAborted();
    const what = `The ${recipe.service} capture recipe "${recipe.id}" (for ${pkg.name})`;
    const fail = (message: string) => {
      warnings.push({
        code: "capture-failed",
        path: null,
        message: `${what} ${message} Its output is not in the archive; the raw files are, copied while the service ran.`,
      });
    };
    const env = await readEnv(engine, containerId, recipe);
    const serverVersion = await readServerVersion(engine, containerId, recipe);
    const items = await listItems(engine, containerId, recipe).catch(
      (error: unknown) => `could not list what to capture: ${String(error)}`,
    );
    if (typeof items === "string") {
      fail(`${items}.`);
      continue;
    }
    for (const item of recipe.eachArgv ? items : [null]) {
      options.signal.throwIfAborted();
      const argv = item === null ? recipe.argv : recipe.argv.map((arg) => arg.replaceAll("{item}", item));
      options.onStep(`Capturing ${recipe.service}${item === null ? "" : ` (${item})`}: ${argv.join(" ")} as ${recipe.user}`);
      const startedAt = new Date().toISOString();
      const name = captureFileName(recipe, item);
      let seen = "";
      const consume: (stdout: Readable) => Promise<PutResult | null> =
        recipe.format === "none"
          ? async (stdout: Readable) => {
              for await (const chunk of stdout) if (seen.length < EXPECT_OUTPUT_BYTES) seen += (chunk as Buffer).toString("utf8");
              return null;
            }
          : (stdout: Readable) => store.put(stdout, { signal: options.signal });
      const run = await execToStream(
        engine,
        containerId,
        argv,
        { user: recipe.user, env, timeoutMs: recipe.timeoutSeconds * 1000, maxBytes: options.maxBytes, signal: options.signal },
        consume,
      );
      options.signal.throwIfAborted();
      const { result } = run;
      let problem: string | null = run.consumeError ? clean(String((run.consumeError as Error).message ?? run.consumeError), 300) : null;
      if (result.outcome === "exited" && result.exitCode === 0 && recipe.format === "none" && recipe.expectOutput !== null) {
        if (!new RegExp(recipe.expectOutput).test(seen.slice(0, EXPECT_OUTPUT_BYTES)))
          problem = `answered ${JSON.stringify(clean(seen || result.stderr, 200))}, not what it should (${recipe.expectOutput}).`;
      }
      if (result.outcome !== "exited" || result.exitCode !== 0 || problem) {
        fail(describeFailure(recipe, result, options.maxBytes, problem));
        continue;
      }
      const stored = run.consumed;
      if (stored && stored.isNew) storedBytes += stored.storedBytes;
      captures.push({
        recipe: recipe.id,
        service: recipe.service,
        package: pkg.name,
        packageVersion: pkg.version,
        serverVersion,
        argv,
        user: recipe.user,
        format: recipe.format,
        name,
        sha256: stored ? stored.sha256 : null,
        size: stored ? stored.size : 0,
        startedAt,
        finishedAt: new Date().toISOString(),
      });
    }
  }
  return { captures, warnings, storedBytes };
}
