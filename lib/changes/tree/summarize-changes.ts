// The changes answer without its entries, under the overrides stored now: what the paged tree
// reads first (GET .../changes/summary). Pure over a kept detection.

import type { DetectedChanges } from "@/lib/changes/detect-container-changes";
import { currentEntry } from "./list-folder";
import { ROOT, type ChangeTreeModel, type SelectionState, type TreeEntry } from "./tree-model";

export type ChangesSummary = Omit<DetectedChanges, "entries"> & {
  imageLayers: { index: number; step: string | null; entries: number }[];
  detectedAt: string;
  entries?: TreeEntry[];
};

export type SummarizeInput = {
  detection: DetectedChanges;
  tree: ChangeTreeModel;
  selection: SelectionState;
  overrides: ReadonlyMap<string, boolean>;
  imageLayers: ChangesSummary["imageLayers"];
  detectedAt: string;
  /** Include every entry when there are at most this many. */
  includeEntriesUpTo?: number;
};

export function summarizeChanges(input: SummarizeInput): ChangesSummary {
  const { detection, tree, selection, overrides, imageLayers, detectedAt, includeEntriesUpTo } = input;
  const { entries, ...rest } = detection;
  const summary: ChangesSummary = {
    ...rest,
    overrides: [...overrides].map(([path, selected]) => ({ path, selected })),
    totals: {
      entries: tree.totalEntries[ROOT]!,
      bytes: tree.totalBytes[ROOT]!,
      selectedEntries: selection.selectedEntries[ROOT]!,
      selectedBytes: selection.selectedBytes[ROOT]!,
    },
    imageLayers,
    detectedAt,
  };
  if (includeEntriesUpTo !== undefined && entries.length <= includeEntriesUpTo) {
    summary.entries = entries.map((entry, index) => {
      const node = tree.entryNode[index]!;
      const overrideNode = selection.overrideNode[node]!;
      const path = overrideNode === -1 ? null : tree.path[overrideNode]!;
      const value = path === null ? undefined : overrides.get(path);
      return currentEntry(
        entry,
        selection.entrySelected[index] === 1,
        path === null || value === undefined ? null : { path, selected: value },
      );
    });
  }
  return summary;
}
