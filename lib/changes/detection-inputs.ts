import { db } from "@/lib/db";
import { databaseIsShared } from "@/lib/jobs/replica";
import { processSingleton } from "@/lib/process-singleton";

// A counter bumped whenever something a detection reads from the database changes (a container's
// selection, a rule set). Shared in-flight detections are keyed on it, so a request made after
// such a change never receives a detection that started before it.
//
// `rulesVersion` moves only when what decides the default selection changes (a rule set, or the
// rule set a container's selection uses), not on a tick: kept detections (keep-detection.ts) hold
// each entry's default and recompute the ticks themselves, so a tick must not drop them.
//
// Several dashboards on one PostgreSQL database (issue 16): a change made on one must reach the
// detections the others keep, so there the counters live in the database (Counter rows) and are
// read at each detection request; with SQLite (the only dashboard) in this process's memory.

const state = processSingleton("detection-inputs", () => ({ version: 0, rulesVersion: 0 }));
const VERSION = "detection-inputs";
const RULES_VERSION = "detection-rules";

export type DetectionInputs = { version: number; rulesVersion: number };

/** The counters now: this process's own, plus the database's when it is shared. */
export async function currentDetectionInputs(): Promise<DetectionInputs> {
  if (!databaseIsShared()) return { ...state };
  const rows = await db.counter.findMany({ where: { name: { in: [VERSION, RULES_VERSION] } } });
  const value = (name: string) => rows.find((row) => row.name === name)?.value ?? 0;
  return { version: state.version + value(VERSION), rulesVersion: state.rulesVersion + value(RULES_VERSION) };
}

/** `ticksOnly`: only a selection's hand overrides changed (its rule set did not). */
export async function detectionInputsChanged(change: { ticksOnly?: boolean } = {}): Promise<void> {
  state.version += 1;
  if (!change.ticksOnly) state.rulesVersion += 1;
  if (!databaseIsShared()) return;
  const bump = (name: string) => db.counter.upsert({ where: { name }, create: { name, value: 1 }, update: { value: { increment: 1 } } });
  await bump(VERSION);
  if (!change.ticksOnly) await bump(RULES_VERSION);
}
