import { randomBytes } from "node:crypto";
import { execInContainer } from "@/lib/docker/exec-in-container";
import { removeContainer, runContainer } from "@/lib/docker/run-container";
import type { EngineConnection } from "@/lib/docker/types";
import { CHECKER_MISSING, configCheckArgv, type ConfigCheck } from "@/lib/restores/plan/propose-config-checks";

// Runs the plan's configuration checkers (propose-config-checks.ts) on a restored image before its service
// starts: in a container of that image that only sleeps (no network, removed after), so a configuration that
// would stop the service's own process is still checked, and a checker's side effects (postfix check copies
// files into its chroot) never reach the restored container. As root, whatever the image's USER.

export type ConfigCheckResult = {
  service: string;
  package: string;
  command: string;
  /** missing: the checker's program is not on the image (said, not failed). */
  outcome: "passed" | "failed" | "missing";
  exitCode: number;
  output: string;
};

const MAX_OUTPUT = 8 * 1024;
const CHECK_TIMEOUT_MS = 60_000;

/** Every check in order, each with its outcome; the container is removed whatever happens. */
export async function runConfigChecks(
  engine: EngineConnection,
  imageId: string,
  checks: readonly ConfigCheck[],
  options: { labels?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<ConfigCheckResult[]> {
  if (checks.length === 0) return [];
  const { id } = await runContainer(engine, {
    image: imageId,
    name: `kura-config-check-${randomBytes(6).toString("hex")}`,
    networkMode: "none",
    labels: { ...options.labels, "kura.config-check": "1" },
    entrypoint: ["sleep", "600"],
    cmd: [],
  });
  try {
    const results: ConfigCheckResult[] = [];
    for (const check of checks) {
      options.signal?.throwIfAborted();
      const run = await execInContainer(engine, id, configCheckArgv(check), { timeoutMs: CHECK_TIMEOUT_MS, user: "0" });
      const output = run.output.length > MAX_OUTPUT ? `${run.output.slice(0, MAX_OUTPUT)}\n[… cut]` : run.output;
      const outcome = run.exitCode === 0 ? "passed" : run.exitCode === CHECKER_MISSING ? "missing" : "failed";
      results.push({
        service: check.service,
        package: check.package,
        command: check.command,
        outcome,
        exitCode: run.exitCode,
        output: run.timedOut ? `${output}\n(timed out after ${CHECK_TIMEOUT_MS / 1000} s)` : output,
      });
    }
    return results;
  } finally {
    await removeContainer(engine, id).catch(() => undefined);
  }
}
