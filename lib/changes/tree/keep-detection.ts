// The latest detections, kept for a while after they finish so the paged tree API (summary, folder
// pages) answers from memory instead of reading the container again: a detection of 1,000,000 paths
// takes minutes, a folder page must take milliseconds.
//
// Bounded: at most KEPT_DETECTIONS results and KEPT_ENTRIES entries together (least recently used
// dropped first; the newest is kept even when it alone is larger), each for KEPT_FOR_MS after its
// last use. Keyed on the engine, the container's id, the detection options and the rules
// version (detection-inputs.ts), so a rule-set change drops them. Hand overrides are not part of
// the key: the tree holds each entry's default and the selection is recomputed from the stored
// overrides whenever they change (a typed-array pass, tens of milliseconds for 1,000,000 entries).

import { currentDetectionInputs } from "@/lib/changes/detection-inputs";
import type { DetectedChanges, DetectOptions } from "@/lib/changes/detect-container-changes";
import { getSelection } from "@/lib/changes/selection-store";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { processSingleton } from "@/lib/process-singleton";
import {
  buildTree,
  computeSelection,
  countMatches,
  imageLayersOf,
  type ChangeTreeModel,
  type SelectionState,
  type TreeFilter,
} from "./tree-model";

export const KEPT_DETECTIONS = 4;
export const KEPT_ENTRIES = 2_000_000;
export const KEPT_FOR_MS = 30 * 60_000;

export type KeptTree = {
  detection: DetectedChanges;
  tree: ChangeTreeModel;
  /** The stored overrides the selection below was computed for. */
  overrides: Map<string, boolean>;
  overridesKey: string;
  selection: SelectionState;
  /** The image layers the entries come from, lowest first. */
  imageLayers: { index: number; step: string | null; entries: number }[];
  detectedAt: string;
  /** The last filter's match counts, reused while a person pages through its results. */
  lastFilter: { key: string; matches: Int32Array; matchingEntries: number } | null;
};

type Slot = { promise: Promise<KeptTree>; entries: number; usedAt: number; done: boolean };

const kept = processSingleton("kept-detections", () => new Map<string, Slot>());

function keyOf(engineId: string, containerRef: string, options: DetectOptions, rulesVersion: number): string {
  const given = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([engineId, containerRef, rulesVersion, given]);
}

function evict(now: number, keep: string): void {
  for (const [key, slot] of kept) if (key !== keep && now - slot.usedAt > KEPT_FOR_MS) kept.delete(key);
  const byAge = [...kept.entries()].filter(([key]) => key !== keep).sort(([, a], [, b]) => a.usedAt - b.usedAt);
  let total = [...kept.values()].reduce((sum, slot) => sum + slot.entries, 0);
  for (const [key, slot] of byAge) {
    if (kept.size <= KEPT_DETECTIONS && total <= KEPT_ENTRIES) break;
    kept.delete(key);
    total -= slot.entries;
  }
}

/** Drops every kept detection (tests; "detect again" drops only its own through `fresh`). */
export function forgetKeptDetections(): void {
  kept.clear();
}

export type LoadTreeInput = {
  engineId: string;
  containerRef: string;
  options: DetectOptions;
  /** Who asks, for the detection bounds of share-detection.ts. */
  caller: string | null;
  /** Detect again even when a kept result exists. */
  fresh?: boolean;
  /** Detect again when the kept result holds at most this many entries (small ones are quick to read anew). */
  freshIfAtMost?: number;
};

/** The kept (or a new) detection with its tree, its selection brought up to the overrides stored now. */
export async function loadChangeTree({ engineId, containerRef, options, caller, fresh, freshIfAtMost }: LoadTreeInput): Promise<KeptTree> {
  // Keyed on the container's id: the page names it by its short id, scripts by its name, and a
  // container made anew under an old name is another container.
  const containerId = (await inspectContainer(await getEngine(engineId), containerRef)).id;
  const key = keyOf(engineId, containerId, options, (await currentDetectionInputs()).rulesVersion);
  const now = Date.now();
  let slot = fresh ? undefined : kept.get(key);
  if (slot && now - slot.usedAt > KEPT_FOR_MS) slot = undefined;
  // `entries` is 0 while the detection runs: a request then shares it.
  if (slot && freshIfAtMost !== undefined && slot.done && slot.entries <= freshIfAtMost) slot = undefined;
  if (!slot) {
    const created: Slot = {
      promise: detectContainerChangesShared(engineId, containerId, options, caller).then((detection) => {
        created.entries = detection.entries.length;
        created.done = true;
        const tree = buildTree(detection.entries);
        const overrides = new Map(detection.overrides.map((o) => [o.path, o.selected] as const));
        const selection = computeSelection(tree, overrides);
        const imageLayers = imageLayersOf(detection.entries);
        const overridesKey = JSON.stringify(detection.overrides);
        return { detection, tree, overrides, overridesKey, selection, imageLayers, detectedAt: new Date().toISOString(), lastFilter: null };
      }),
      entries: 0,
      usedAt: now,
      done: false,
    };
    slot = created;
    kept.set(key, created);
    created.promise.catch(() => {
      if (kept.get(key) === created) kept.delete(key);
    });
  }
  slot.usedAt = now;
  const result = await slot.promise;
  evict(Date.now(), key);
  await refreshSelection(result);
  return result;
}

// The overrides may have changed since (ticks saved through the selection API): recompute.
async function refreshSelection(result: KeptTree): Promise<void> {
  const stored = await getSelection(result.detection.container.engineId, result.detection.container.id);
  const storedKey = JSON.stringify(stored.overrides);
  if (storedKey === result.overridesKey) return;
  result.overrides = new Map(stored.overrides.map((o) => [o.path, o.selected] as const));
  result.overridesKey = storedKey;
  result.selection = computeSelection(result.tree, result.overrides);
}

/** Match counts for `filter`, reusing the last ones computed for the same filter. */
export function matchesFor(result: KeptTree, filter: TreeFilter): { matches: Int32Array; matchingEntries: number } {
  const key = JSON.stringify([
    [...(filter.categories ?? [])].sort(),
    [...(filter.sources ?? [])].sort(),
    [...(filter.kinds ?? [])].sort(),
    [...(filter.imageLayers ?? [])].sort(),
    filter.search?.trim().toLowerCase() ?? "",
  ]);
  if (result.lastFilter?.key === key) return result.lastFilter;
  const counted = countMatches(result.tree, filter);
  result.lastFilter = { key, ...counted };
  return result.lastFilter;
}
