// One page of a folder's direct children in a detected change tree, with counts and check states
// under the current hand overrides: what the paged tree API answers (GET .../changes/folder).
// Pure: takes the tree, its selection and an optional filter's match counts.

import type { DecidedBy } from "@/lib/changes/classify/types";
import { decidedByHand } from "@/lib/changes/classify/decide-selection";
import {
  checkState,
  findNodes,
  normalizePath,
  type ChangeTreeModel,
  type CheckState,
  type SelectionState,
  type TreeEntry,
} from "./tree-model";

export type FolderEntry = TreeEntry;

export type FolderNode = {
  path: string;
  name: string;
  /** Has children, or is a directory entry. */
  isFolder: boolean;
  /** Number of direct children (all of them, whatever the filter). */
  childCount: number;
  totalEntries: number;
  totalBytes: number;
  selectedEntries: number;
  selectedBytes: number;
  state: CheckState;
  /** Entries passing the filter at or below this node (all entries when no filter is given). */
  matchingEntries: number;
  /** The nearest hand override at or above this node. */
  override: { path: string; selected: boolean } | null;
  /** The changed path itself; null for a folder that only holds changes. */
  entry: FolderEntry | null;
};

export type FolderPage = {
  folder: FolderNode;
  /** Children on this page, folders first then by name (only those holding matches when filtered). */
  children: FolderNode[];
  offset: number;
  limit: number;
  /** Children to page through (those holding matches when filtered). */
  total: number;
};

export type ListFolderInput = {
  tree: ChangeTreeModel;
  selection: SelectionState;
  overrides: ReadonlyMap<string, boolean>;
  path: string;
  offset: number;
  limit: number;
  /** From countMatches; null when no filter is active. */
  matches: Int32Array | null;
};

const NAMES = { ticked: "ticked by hand", unticked: "unticked by hand" };

/** Null when `path` is not a folder of the tree. */
export function listFolder({ tree, selection, overrides, path, offset, limit, matches }: ListFolderInput): FolderPage | null {
  const normal = normalizePath(path);
  const node = tree.folderIndex.get(normal) ?? findNodes(tree, normal).find((n) => tree.isFolder[n] === 1);
  if (node === undefined) return null;
  const all = tree.children[node] ?? [];
  const shown = matches ? all.filter((child) => matches[child]! > 0) : all;
  const page = shown.slice(offset, offset + limit);
  const describe = (n: number) => describeNode(tree, selection, overrides, matches, n);
  return { folder: describe(node), children: page.map(describe), offset, limit, total: shown.length };
}

function describeNode(
  tree: ChangeTreeModel,
  selection: SelectionState,
  overrides: ReadonlyMap<string, boolean>,
  matches: Int32Array | null,
  n: number,
): FolderNode {
  const path = tree.path[n]!;
  const overrideNode = selection.overrideNode[n]!;
  const overridePath = overrideNode === -1 ? null : tree.path[overrideNode]!;
  const overrideValue = overridePath === null ? undefined : overrides.get(overridePath);
  const override = overridePath === null || overrideValue === undefined ? null : { path: overridePath, selected: overrideValue };
  const index = tree.entry[n]!;
  return {
    path,
    name: n === 0 ? "/" : path.slice(path.lastIndexOf("/") + 1),
    isFolder: tree.isFolder[n] === 1,
    childCount: tree.children[n]?.length ?? 0,
    totalEntries: tree.totalEntries[n]!,
    totalBytes: tree.totalBytes[n]!,
    selectedEntries: selection.selectedEntries[n]!,
    selectedBytes: selection.selectedBytes[n]!,
    state: checkState(tree, selection, n),
    matchingEntries: matches ? matches[n]! : tree.totalEntries[n]!,
    override,
    entry: index === -1 ? null : currentEntry(tree.entries[index]!, selection.entrySelected[index] === 1, override),
  };
}

// The kept detection decided `selected` and `decidedBy` under the overrides of its time; the
// answer gives them under today's.
export function currentEntry(entry: TreeEntry, selected: boolean, override: { path: string; selected: boolean } | null): TreeEntry {
  let decidedBy: DecidedBy = entry.decidedBy;
  if (override) {
    const said = override.selected ? NAMES.ticked : NAMES.unticked;
    decidedBy = { reason: override.path === normalizePath(entry.path) ? said : `${said} (folder ${override.path})` };
  } else if (decidedByHand(entry.decidedBy)) {
    decidedBy = { reason: entry.defaultSelected ? "selected by its rules and category" : "left out by its rules and category" };
  }
  return { ...entry, selected, decidedBy };
}
