import { processSingleton } from "@/lib/process-singleton";

// A counter bumped whenever something a detection reads from the database changes (a container's
// selection, a rule set). Shared in-flight detections are keyed on it, so a request made after
// such a change never receives a detection that started before it.
//
// `rulesVersion` moves only when what decides the default selection changes (a rule set, or the
// rule set a container's selection uses), not on a tick: kept detections (keep-detection.ts) hold
// each entry's default and recompute the ticks themselves, so a tick must not drop them.

const state = processSingleton("detection-inputs", () => ({ version: 0, rulesVersion: 0 }));

export function detectionInputsVersion(): number {
  return state.version;
}

export function detectionRulesVersion(): number {
  return state.rulesVersion;
}

/** `ticksOnly`: only a selection's hand overrides changed (its rule set did not). */
export function detectionInputsChanged(change: { ticksOnly?: boolean } = {}): void {
  state.version += 1;
  if (!change.ticksOnly) state.rulesVersion += 1;
}
