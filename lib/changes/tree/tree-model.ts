// Pure model behind the change tree: folds a flat list of changed paths into a folder tree and
// answers "what is selected", "how much is below this folder" and "which rows are visible".
//
// Built for 100,000 entries: the tree is built once per `entries` array and stored as parallel
// arrays indexed by node number. Nodes are always created parent-first, so a forward loop over
// node numbers visits parents before children (top-down inheritance of overrides) and a backward
// loop visits children before parents (bottom-up counts). Recomputing selection after a toggle is
// therefore two typed-array passes and one Map lookup per override, with no string work.

import type { Category, ChangeEntry, ChangeKind, ChangeSource } from "@/lib/changes/classify/types";

/** A change as the curation UI gets it: `defaultSelected` is what rules/category decide without any hand override. */
export type TreeEntry = ChangeEntry & {
  defaultSelected: boolean;
  /** For source "image": the image layer (0 the lowest) whose version the container sees, and the step that made it. */
  imageLayer?: { index: number; diffId: string; step: string | null };
};

/** Empty or missing sets mean "no restriction" for that facet. */
export type TreeFilter = {
  categories?: ReadonlySet<Category>;
  sources?: ReadonlySet<ChangeSource>;
  kinds?: ReadonlySet<ChangeKind>;
  /** Only entries from these image layers (by index). */
  imageLayers?: ReadonlySet<number>;
  search?: string;
};

export type CheckState = "true" | "false" | "mixed";

export type ChangeTreeModel = {
  entries: readonly TreeEntry[];
  /**
   * Number of nodes. Node 0 is the virtual root "/" (never shown); folders come next, created
   * parent-first, then one leaf node per entry that is not itself a folder.
   */
  nodeCount: number;
  /** Normalised absolute path of each node. */
  path: string[];
  /** Root is 0, "/srv" is 1, "/srv/data" is 2. */
  depth: Uint16Array;
  /** Parent node, -1 for the root. */
  parent: Int32Array;
  /** Entry index shown by this node, -1 for a synthesised folder. */
  entry: Int32Array;
  /** Has children, or is a directory entry. */
  isFolder: Uint8Array;
  /** Children sorted folders first, then by name; undefined for leaves. */
  children: (number[] | undefined)[];
  /** Node of each entry. */
  entryNode: Int32Array;
  /** Entries at or below each node (a directory entry counts in its own folder). */
  totalEntries: Int32Array;
  totalBytes: Float64Array;
  /** Folder path -> node. Leaves are found by binary search in their folder (see findNodes). */
  folderIndex: Map<string, number>;
  /** Lower-cased entry paths, built on first search. */
  lowerPaths: string[] | null;
};

export type SelectionState = {
  /** 1 if the entry is effectively selected. */
  entrySelected: Uint8Array;
  /** Selected entries / bytes at or below each node. */
  selectedEntries: Int32Array;
  selectedBytes: Float64Array;
  /** Node holding the nearest hand override at or above each node, -1 if none. */
  overrideNode: Int32Array;
  selectedCount: number;
  selectedSize: number;
  totalCount: number;
  totalSize: number;
};

export const ROOT = 0;
const EMPTY: readonly number[] = [];

/** Canonical absolute form: leading slash, no duplicate or trailing slashes. */
export function normalizePath(raw: string): string {
  let p = raw;
  if (p.charCodeAt(0) !== 47) p = "/" + p;
  if (p.includes("//")) p = p.replace(/\/{2,}/g, "/");
  if (p.length > 1 && p.charCodeAt(p.length - 1) === 47) p = p.slice(0, -1);
  return p;
}

export function buildTree(entries: readonly TreeEntry[]): ChangeTreeModel {
  const count = entries.length;
  const paths = new Array<string>(count);
  const parentOfEntry = new Int32Array(count);

  // Pass 1: folders only. Map traffic is per distinct folder, not per entry: consecutive entries
  // usually share a folder, which is detected by comparing prefixes without allocating.
  const folderIndex = new Map<string, number>([["/", ROOT]]);
  const path: string[] = ["/"];
  const folderParent: number[] = [-1];
  const folderFor = (p: string): number => {
    const known = folderIndex.get(p);
    if (known !== undefined) return known;
    const slash = p.lastIndexOf("/");
    const parentNode = folderFor(slash <= 0 ? "/" : p.slice(0, slash));
    const id = path.length;
    path.push(p);
    folderParent.push(parentNode);
    folderIndex.set(p, id);
    return id;
  };
  let lastDir = "";
  let lastDirNode = ROOT;
  for (let i = 0; i < count; i++) {
    const p = normalizePath(entries[i]!.path);
    paths[i] = p;
    const slash = p.lastIndexOf("/");
    if (slash !== lastDir.length || !p.startsWith(lastDir)) {
      lastDir = p.slice(0, Math.max(slash, 0));
      lastDirNode = folderFor(lastDir || "/");
    }
    parentOfEntry[i] = lastDirNode;
  }
  const folderCount = path.length;

  // Pass 2: entries whose path is a folder attach to it; every other entry gets a leaf node.
  const capacity = folderCount + count;
  const parent = new Int32Array(capacity);
  const entry = new Int32Array(capacity).fill(-1);
  const depth = new Uint16Array(capacity);
  const children: (number[] | undefined)[] = new Array(folderCount).fill(undefined);
  const entryNode = new Int32Array(count);
  parent[ROOT] = -1;
  for (let n = 1; n < folderCount; n++) {
    const p = folderParent[n]!;
    parent[n] = p;
    depth[n] = depth[p]! + 1;
    const list = children[p];
    if (list) list.push(n);
    else children[p] = [n];
  }
  let nodeCount = folderCount;
  for (let i = 0; i < count; i++) {
    const p = paths[i]!;
    const folder = folderIndex.get(p);
    if (folder !== undefined && entry[folder] === -1) {
      entry[folder] = i;
      entryNode[i] = folder;
      continue;
    }
    // A leaf; also a path reported twice (e.g. layer and volume), which becomes a sibling row.
    const n = nodeCount++;
    const parentNode = folder === undefined ? parentOfEntry[i]! : parent[folder]!;
    path.push(p);
    parent[n] = parentNode;
    depth[n] = depth[parentNode]! + 1;
    entry[n] = i;
    entryNode[i] = n;
    const list = children[parentNode];
    if (list) list.push(n);
    else children[parentNode] = [n];
  }

  const isFolder = new Uint8Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    const e = entry[n]!;
    isFolder[n] = children[n] !== undefined || (e !== -1 && entries[e]!.type === "dir") ? 1 : 0;
  }
  children.length = nodeCount;
  // Siblings share their parent's prefix, so comparing full paths orders them by name.
  for (const list of children) if (list && list.length > 1) sortSiblings(list, isFolder, path);

  const totalEntries = new Int32Array(nodeCount);
  const totalBytes = new Float64Array(nodeCount);
  for (let i = 0; i < count; i++) {
    const n = entryNode[i]!;
    totalEntries[n]! += 1;
    totalBytes[n]! += sizeOf(entries[i]!);
  }
  const parents = parent.slice(0, nodeCount);
  accumulateUp(parents, totalEntries, totalBytes);

  return {
    entries,
    nodeCount,
    path,
    depth: depth.slice(0, nodeCount),
    parent: parents,
    entry: entry.slice(0, nodeCount),
    isFolder,
    children,
    entryNode,
    totalEntries,
    totalBytes,
    folderIndex,
    lowerPaths: null,
  };
}

function compareSiblings(a: number, b: number, isFolder: Uint8Array, path: readonly string[]): number {
  const f = isFolder[b]! - isFolder[a]!;
  if (f !== 0) return f;
  const pa = path[a]!;
  const pb = path[b]!;
  return pa < pb ? -1 : pa > pb ? 1 : a - b;
}

function sortSiblings(list: number[], isFolder: Uint8Array, path: readonly string[]): void {
  // Detection output is often already in order: skip the sort when it is.
  let sorted = true;
  for (let k = 1; k < list.length && sorted; k++) sorted = compareSiblings(list[k - 1]!, list[k]!, isFolder, path) < 0;
  if (!sorted) list.sort((a, b) => compareSiblings(a, b, isFolder, path));
}

/** Last path segment of a node, for display. */
export function nodeName(tree: ChangeTreeModel, node: number): string {
  const p = tree.path[node]!;
  return p.slice(p.lastIndexOf("/") + 1) || "/";
}

/** Every node showing `path` (usually one; more when detection reported the path twice). */
export function findNodes(tree: ChangeTreeModel, rawPath: string): number[] {
  const p = normalizePath(rawPath);
  const out: number[] = [];
  const folder = tree.folderIndex.get(p);
  if (folder !== undefined) out.push(folder);
  if (p === "/") return out;
  const slash = p.lastIndexOf("/");
  const parentNode = tree.folderIndex.get(slash <= 0 ? "/" : p.slice(0, slash));
  const list = parentNode === undefined ? undefined : tree.children[parentNode];
  if (!list) return out;
  // Siblings are sorted (folders, then leaves) by path: binary search each group.
  for (const group of [1, 0]) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = list[mid]!;
      const f = tree.isFolder[n]!;
      if (f > group || (f === group && tree.path[n]! < p)) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < list.length; k++) {
      const n = list[k]!;
      if (tree.isFolder[n] !== group || tree.path[n] !== p) break;
      if (n !== folder) out.push(n);
    }
  }
  return out;
}

function sizeOf(e: TreeEntry): number {
  return Number.isFinite(e.size) && e.size > 0 ? e.size : 0;
}

// Children have higher node numbers than their parents, so one backward pass sums everything up.
function accumulateUp(parent: ArrayLike<number>, counts: Int32Array, bytes: Float64Array): void {
  for (let n = counts.length - 1; n > 0; n--) {
    const p = parent[n]!;
    counts[p]! += counts[n]!;
    bytes[p]! += bytes[n]!;
  }
}

export function childrenOf(tree: ChangeTreeModel, node: number): readonly number[] {
  return tree.children[node] ?? EMPTY;
}

/** Effective selection of every entry and per-folder selected counts for the given overrides. */
export function computeSelection(tree: ChangeTreeModel, overrides: ReadonlyMap<string, boolean>): SelectionState {
  const { nodeCount, parent, entries, entryNode } = tree;
  // value[n]: -1 when no override applies, else 0/1. Set on overridden nodes, then inherited top-down.
  const value = new Int8Array(nodeCount).fill(-1);
  const overrideNode = new Int32Array(nodeCount).fill(-1);
  for (const [key, selected] of overrides) {
    // Overrides on paths with nothing at or below them affect no entry: findNodes returns none.
    for (const node of findNodes(tree, key)) {
      value[node] = selected ? 1 : 0;
      overrideNode[node] = node;
    }
  }
  for (let n = 1; n < nodeCount; n++) {
    if (overrideNode[n] !== -1) continue;
    const p = parent[n]!;
    value[n] = value[p]!;
    overrideNode[n] = overrideNode[p]!;
  }
  const entrySelected = new Uint8Array(entries.length);
  const selectedEntries = new Int32Array(nodeCount);
  const selectedBytes = new Float64Array(nodeCount);
  for (let i = 0; i < entries.length; i++) {
    const n = entryNode[i]!;
    const v = value[n]!;
    const selected = v === -1 ? entries[i]!.defaultSelected : v === 1;
    if (selected) {
      entrySelected[i] = 1;
      selectedEntries[n]! += 1;
      selectedBytes[n]! += sizeOf(entries[i]!);
    }
  }
  accumulateUp(parent, selectedEntries, selectedBytes);
  return {
    entrySelected,
    selectedEntries,
    selectedBytes,
    overrideNode,
    selectedCount: selectedEntries[ROOT]!,
    selectedSize: selectedBytes[ROOT]!,
    totalCount: tree.totalEntries[ROOT]!,
    totalSize: tree.totalBytes[ROOT]!,
  };
}

export function checkState(tree: ChangeTreeModel, selection: SelectionState, node: number): CheckState {
  const selected = selection.selectedEntries[node] ?? 0;
  if (selected === 0) return "false";
  return selected === tree.totalEntries[node] ? "true" : "mixed";
}

/** Nearest hand override at or above `path` (the path itself, then each ancestor folder). */
export function nearestOverride(overrides: ReadonlyMap<string, boolean>, rawPath: string): { path: string; selected: boolean } | null {
  if (overrides.size === 0) return null;
  let p = normalizePath(rawPath);
  for (;;) {
    const v = overrides.get(p);
    if (v !== undefined) return { path: p, selected: v };
    if (p === "/") return null;
    const slash = p.lastIndexOf("/");
    p = slash <= 0 ? "/" : p.slice(0, slash);
  }
}

/** Effective selection of one path; for many entries use computeSelection. */
export function effectiveSelected(overrides: ReadonlyMap<string, boolean>, path: string, defaultSelected: boolean): boolean {
  return nearestOverride(overrides, path)?.selected ?? defaultSelected;
}

/** Tick or untick `path`: override it and drop every override strictly below so the subtree follows. */
export function applyToggle(overrides: ReadonlyMap<string, boolean>, rawPath: string, selected: boolean): Map<string, boolean> {
  const path = normalizePath(rawPath);
  const prefix = path === "/" ? "/" : path + "/";
  const next = new Map<string, boolean>();
  for (const [key, value] of overrides) {
    if (key !== path && !key.startsWith(prefix)) next.set(key, value);
  }
  next.set(path, selected);
  return next;
}

export function isFilterActive(filter: TreeFilter): boolean {
  return Boolean(
    filter.categories?.size || filter.sources?.size || filter.kinds?.size || filter.imageLayers?.size || filter.search?.trim(),
  );
}

type Visibility = { visible: Uint8Array; matchingEntries: number };

// visible[n] = 1 when the node's own entry or any entry below it passes the filter.
function computeVisibility(tree: ChangeTreeModel, filter: TreeFilter): Visibility {
  const { entries, entryNode, parent, nodeCount } = tree;
  const categories = filter.categories?.size ? filter.categories : null;
  const sources = filter.sources?.size ? filter.sources : null;
  const kinds = filter.kinds?.size ? filter.kinds : null;
  const imageLayers = filter.imageLayers?.size ? filter.imageLayers : null;
  const needle = filter.search?.trim().toLowerCase() ?? "";
  const lower = needle ? (tree.lowerPaths ??= entries.map((e) => normalizePath(e.path).toLowerCase())) : null;
  const visible = new Uint8Array(nodeCount);
  let matchingEntries = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (categories && !categories.has(e.category)) continue;
    if (sources && !sources.has(e.source)) continue;
    if (kinds && !kinds.has(e.kind)) continue;
    if (imageLayers && (e.source !== "image" || !imageLayers.has(e.imageLayer?.index ?? -1))) continue;
    if (lower && !lower[i]!.includes(needle)) continue;
    visible[entryNode[i]!] = 1;
    matchingEntries++;
  }
  for (let n = nodeCount - 1; n > 0; n--) {
    if (visible[n]) visible[parent[n]!] = 1;
  }
  return { visible, matchingEntries };
}

/** Entries passing `filter` at or below each node (`matches[n] > 0`: the node is shown), for answers built on the server. */
export function countMatches(tree: ChangeTreeModel, filter: TreeFilter): { matches: Int32Array; matchingEntries: number } {
  const matches = new Int32Array(tree.nodeCount);
  if (!isFilterActive(filter)) {
    matches.set(tree.totalEntries);
    return { matches, matchingEntries: tree.entries.length };
  }
  const { visible, matchingEntries } = computeVisibility(tree, filter);
  // computeVisibility marks entry nodes; a node shows one entry at most, so its own count is 0 or 1.
  for (let i = 0; i < tree.entries.length; i++) {
    const n = tree.entryNode[i]!;
    if (visible[n] && passes(tree, filter, i)) matches[n]! += 1;
  }
  for (let n = tree.nodeCount - 1; n > 0; n--) matches[tree.parent[n]!]! += matches[n]!;
  return { matches, matchingEntries };
}

function passes(tree: ChangeTreeModel, filter: TreeFilter, index: number): boolean {
  const e = tree.entries[index]!;
  if (filter.categories?.size && !filter.categories.has(e.category)) return false;
  if (filter.sources?.size && !filter.sources.has(e.source)) return false;
  if (filter.kinds?.size && !filter.kinds.has(e.kind)) return false;
  if (filter.imageLayers?.size && (e.source !== "image" || !filter.imageLayers.has(e.imageLayer?.index ?? -1))) return false;
  const needle = filter.search?.trim().toLowerCase() ?? "";
  return !needle || (tree.lowerPaths ??= tree.entries.map((x) => normalizePath(x.path).toLowerCase()))[index]!.includes(needle);
}

export type VisibleRows = {
  /** Node numbers in display order (depth-first, children sorted). */
  rows: number[];
  /** Entries passing the filter (all entries when no filter is set). */
  matchingEntries: number;
};

/** The image layers the entries come from, lowest first, with the step that made each. */
export function imageLayersOf(entries: readonly TreeEntry[]): { index: number; step: string | null; entries: number }[] {
  const layers = new Map<number, { index: number; step: string | null; entries: number }>();
  for (const entry of entries) {
    if (entry.source !== "image" || !entry.imageLayer) continue;
    const known = layers.get(entry.imageLayer.index);
    if (known) known.entries++;
    else layers.set(entry.imageLayer.index, { index: entry.imageLayer.index, step: entry.imageLayer.step, entries: 1 });
  }
  return [...layers.values()].sort((a, b) => a.index - b.index);
}

/** What a person reads about where an entry came from ("image layer 4: COPY file:… in /opt/app/"). */
export function sourceText(entry: Pick<TreeEntry, "source" | "imageLayer">): string {
  if (entry.source === "image") {
    if (!entry.imageLayer) return "image layer";
    return `image layer ${entry.imageLayer.index}${entry.imageLayer.step ? `: ${entry.imageLayer.step}` : ""}`;
  }
  return { layer: "container (writable layer)", volume: "volume", bind: "bind mount" }[entry.source];
}

/** Rows to display: visible nodes whose ancestors are all expanded. `"all"` expands every folder. */
export function visibleRows(tree: ChangeTreeModel, expanded: ReadonlySet<string> | "all", filter: TreeFilter = {}): VisibleRows {
  const active = isFilterActive(filter);
  const { visible, matchingEntries } = active ? computeVisibility(tree, filter) : { visible: null, matchingEntries: tree.entries.length };
  const rows: number[] = [];
  const stack: number[] = [];
  const pushChildren = (node: number) => {
    const list = tree.children[node];
    if (!list) return;
    for (let k = list.length - 1; k >= 0; k--) stack.push(list[k]!);
  };
  pushChildren(ROOT);
  while (stack.length) {
    const n = stack.pop()!;
    if (visible && !visible[n]) continue;
    rows.push(n);
    if (tree.children[n] && (expanded === "all" || expanded.has(tree.path[n]!))) pushChildren(n);
  }
  return { rows, matchingEntries };
}

/** Folders to open so every entry passing an active filter is on screen. */
export function foldersToReveal(tree: ChangeTreeModel, filter: TreeFilter): Set<string> {
  const out = new Set<string>();
  if (!isFilterActive(filter)) return out;
  const { visible } = computeVisibility(tree, filter);
  for (let n = 1; n < tree.nodeCount; n++) {
    const p = tree.parent[n]!;
    if (visible[n] && p !== ROOT) out.add(tree.path[p]!);
  }
  return out;
}

/** Every folder that has children (for "Expand all"). */
export function allFolderPaths(tree: ChangeTreeModel): Set<string> {
  const out = new Set<string>();
  for (let n = 1; n < tree.nodeCount; n++) if (tree.children[n]) out.add(tree.path[n]!);
  return out;
}

/** Top-level folders open; everything open when the tree is small enough to read at a glance. */
export function defaultExpanded(tree: ChangeTreeModel, expandAllBelow = 200): Set<string> {
  if (tree.entries.length < expandAllBelow) return allFolderPaths(tree);
  const out = new Set<string>();
  for (const n of childrenOf(tree, ROOT)) if (tree.children[n]) out.add(tree.path[n]!);
  return out;
}
