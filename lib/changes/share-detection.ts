import { AppError } from "@/lib/api/app-error";
import { currentDetectionInputs } from "@/lib/changes/detection-inputs";
import { detectContainerChanges, type DetectedChanges, type DetectOptions } from "./detect-container-changes";
import { processSingleton } from "@/lib/process-singleton";

// Several people (or tabs) opening the same container's changes at once each asked the engine for
// the same diff and tars, which it serves one at a time per container: twenty requests took twenty
// detections' time. Identical requests made while one detection runs now share it. A change to a
// selection or rule set starts a new one for later requests (see detection-inputs.ts).
//
// A detection reads a whole container, so requests that cannot share (a new `since` each time) are
// bounded: a caller may have MAX_DETECTIONS_PER_CALLER running, everyone together MAX_DETECTIONS.
// Past that the request is refused (429) rather than queued, so a loop of requests cannot pile up work.

export const MAX_DETECTIONS_PER_CALLER = 2;
export const MAX_DETECTIONS = 6;

type Running = { promise: Promise<DetectedChanges>; caller: string | null };

const inflight = processSingleton("detection-runs", () => new Map<string, Running>());

function tooMany(message: string): AppError {
  return new AppError(429, "too_many_detections", message);
}

/**
 * detectContainerChanges, shared with identical requests already running. `caller` (a user name) is
 * who asks, for the per-caller bound; null for Kura's own work. The result must be treated as read-only.
 */
export async function detectContainerChangesShared(
  engineId: string,
  containerRef: string,
  options: DetectOptions = {},
  caller: string | null = null,
): Promise<DetectedChanges> {
  const { version } = await currentDetectionInputs();
  const given = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify([engineId, containerRef, version, given]);
  const running = inflight.get(key);
  if (running) return running.promise;
  const all = [...inflight.values()];
  if (caller !== null && all.filter((run) => run.caller === caller).length >= MAX_DETECTIONS_PER_CALLER)
    return Promise.reject(
      tooMany(`You already have ${MAX_DETECTIONS_PER_CALLER} change detections running; wait for them to finish, then try again.`),
    );
  if (all.length >= MAX_DETECTIONS)
    return Promise.reject(tooMany(`${MAX_DETECTIONS} change detections are running already; try again in a moment.`));
  const promise = detectContainerChanges(engineId, containerRef, options).finally(() => inflight.delete(key));
  inflight.set(key, { promise, caller });
  return promise;
}
