import { detectionInputsVersion } from "@/lib/changes/detection-inputs";
import { detectContainerChanges, type DetectedChanges, type DetectOptions } from "./detect-container-changes";

// Several people (or tabs) opening the same container's changes at once each asked the engine for
// the same diff and tars, which it serves one at a time per container: twenty requests took twenty
// detections' time. Identical requests made while one detection runs now share it. A change to a
// selection or rule set starts a new one for later requests (see detection-inputs.ts).

const inflight = ((globalThis as unknown as { kuraDetections?: Map<string, Promise<DetectedChanges>> }).kuraDetections ??= new Map<string, Promise<DetectedChanges>>());

/** detectContainerChanges, shared with identical requests already running. The result must be treated as read-only. */
export function detectContainerChangesShared(engineId: string, containerRef: string, options: DetectOptions = {}): Promise<DetectedChanges> {
  const given = Object.entries(options).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify([engineId, containerRef, detectionInputsVersion(), given]);
  const running = inflight.get(key);
  if (running) return running;
  const detection = detectContainerChanges(engineId, containerRef, options).finally(() => inflight.delete(key));
  inflight.set(key, detection);
  return detection;
}
