import { processSingleton } from "@/lib/process-singleton";

// A counter bumped whenever something a detection reads from the database changes (a container's
// selection, a rule set). Shared in-flight detections are keyed on it, so a request made after
// such a change never receives a detection that started before it.

const state = processSingleton("detection-inputs", () => ({ version: 0 }));

export function detectionInputsVersion(): number {
  return state.version;
}

export function detectionInputsChanged(): void {
  state.version += 1;
}
