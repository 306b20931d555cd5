import type { Capture } from "@/lib/archives/manifest";
import { holdContainer, type ContainerHold, type QuiesceMode } from "@/lib/archives/hold-container";
import { listCaptureRecipes } from "@/lib/captures/capture-recipe-store";
import { matchCaptureRecipes, type RecipePackage } from "@/lib/captures/match-capture-recipes";
import { runCaptureRecipes } from "@/lib/captures/run-capture-recipes";
import type { ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";
import { env } from "@/lib/env";
import type { JobContext } from "@/lib/jobs/job-runner";

// Issue 15, at archive time: the capture recipes that match the container's packages run while the service runs
// (their dumps are the consistent copy), then the container is held as asked (live, paused, stopped) for the copy of
// the raw files. The caller releases the hold after the copy and, whatever happens, in a finally.

export type CaptureChoice = {
  /** How to hold a running container while its raw files are copied; "live" unless asked. */
  quiesce?: QuiesceMode;
  /** Run the capture recipes that match (default true). */
  captures?: boolean;
};

export type CapturesRun = {
  captures: Capture[];
  storedBytes: number;
  /** A recipe that writes the raw files (format "none", redis SAVE) ran: they must be detected again before the copy. */
  rawFilesChanged: boolean;
};

/** Runs the capture recipes that match the container's packages, while it runs (nothing when it does not). */
export async function runCaptures(
  engine: EngineConnection,
  container: { id: string; state: string },
  packages: readonly RecipePackage[],
  choice: CaptureChoice,
  context: JobContext,
  warnings: ReadWarning[],
): Promise<CapturesRun> {
  const running = container.state === "running";
  const say = (message: string) => context.progress({ message });
  if (choice.captures === false) return { captures: [], storedBytes: 0, rawFilesChanged: false };
  const matched = matchCaptureRecipes(await listCaptureRecipes(), packages);
  if (!matched.length) return { captures: [], storedBytes: 0, rawFilesChanged: false };
  if (!running) {
    say(`The container is not running: the capture recipes (${matched.map((match) => match.recipe.id).join(", ")}) do not run`);
    return { captures: [], storedBytes: 0, rawFilesChanged: false };
  }
  const run = await runCaptureRecipes(engine, container.id, matched, {
    maxBytes: env.KURA_CAPTURE_MAX_BYTES,
    signal: context.signal,
    onStep: say,
  });
  warnings.push(...run.warnings);
  const rawFilesChanged = run.captures.some((capture) => capture.format === "none");
  return { captures: run.captures, storedBytes: run.storedBytes, rawFilesChanged };
}

/** Holds a running container as chosen for the copy; `register` receives the hold at once, so a finally can release it. */
export async function holdForCopy(
  engine: EngineConnection,
  container: { id: string; state: string },
  choice: CaptureChoice,
  context: JobContext,
  warnings: ReadWarning[],
  register: (hold: ContainerHold) => void,
): Promise<ContainerHold> {
  const say = (message: string) => context.progress({ message });
  const hold = await holdContainer(engine, container.id, {
    mode: choice.quiesce ?? "live",
    running: container.state === "running",
    onStep: say,
    warnings,
  });
  register(hold);
  return hold;
}
