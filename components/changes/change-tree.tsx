"use client";
// Curation tree for a container's changed files: tick folders or files to archive, see why each
// entry was selected by default, and filter by category, source, kind or path.
//
// Built for 100,000 entries: the folder tree is built once per `entries` array, selection counts
// are recomputed from `overrides` with typed-array passes (see lib/changes/tree/tree-model.ts), and only the rows
// on screen are rendered. Keep `entries` referentially stable between renders in the parent.

import { useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { useFilterChips } from "./use-filter-chips";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  allFolderPaths,
  applyToggle,
  buildTree,
  checkState,
  computeSelection,
  defaultExpanded,
  findNodes,
  foldersToReveal,
  imageLayersOf,
  isFilterActive,
  nodeName,
  visibleRows,
  type ChangeTreeModel,
  type SelectionState,
  type TreeEntry,
  type TreeFilter,
} from "@/lib/changes/tree/tree-model";

import { EntryDetailsView, ROW_HEIGHT, TreeRowView, TreeToolbar } from "./tree-parts";

export type { TreeEntry } from "@/lib/changes/tree/tree-model";

export type ChangeTreeProps = {
  entries: TreeEntry[];
  /** path -> selected, set by hand; applies to that path and everything below unless a deeper override exists. */
  overrides: ReadonlyMap<string, boolean>;
  onOverridesChange: (next: Map<string, boolean>) => void;
  saving?: boolean;
  /** Set (to the reason, shown as the checkboxes' title) when ticks cannot be changed: the tree is read-only. */
  readOnly?: string;
};

export function ChangeTree(props: ChangeTreeProps) {
  if (props.entries.length === 0) {
    return (
      <div
        data-testid="change-tree-empty"
        className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-10 text-center text-sm text-slate-500"
      >
        No changes detected
      </div>
    );
  }
  return <ChangeTreeView {...props} />;
}

function ChangeTreeView({ entries, overrides, onOverridesChange, saving, readOnly }: ChangeTreeProps) {
  const tree = useMemo(() => buildTree(entries), [entries]);
  // Only this recomputes when a box is ticked: a few milliseconds even for 100,000 entries.
  const selection = useMemo(() => computeSelection(tree, overrides), [tree, overrides]);

  const [search, setSearch] = useState("");
  // Typing stays responsive while the filtered row list for a large tree catches up.
  const deferredSearch = useDeferredValue(search);
  const chips = useFilterChips();
  const { categories, sources, kinds, layerChips } = chips;
  const imageLayers = useMemo(() => imageLayersOf(entries), [entries]);
  const filter = useMemo<TreeFilter>(
    () => ({ categories, sources, kinds, imageLayers: new Set([...layerChips].map(Number)), search: deferredSearch }),
    [categories, sources, kinds, layerChips, deferredSearch],
  );
  const filtering = isFilterActive(filter);

  // null until the user opens or closes a folder, so the default follows whatever data arrives.
  const [userExpanded, setUserExpanded] = useState<ReadonlySet<string> | null>(null);
  const initialExpanded = useMemo(() => defaultExpanded(tree), [tree]);
  const expanded = userExpanded ?? initialExpanded;

  // When the filter changes, open the folders that hold matches (state adjusted during render, as
  // React recommends over an effect) so results are on screen without hunting for them.
  const [revealedFor, setRevealedFor] = useState(filter);
  if (revealedFor !== filter) {
    setRevealedFor(filter);
    if (filtering) setUserExpanded(new Set([...expanded, ...foldersToReveal(tree, filter)]));
  }

  const { rows, matchingEntries } = useMemo(() => visibleRows(tree, expanded, filter), [tree, expanded, filter]);

  const [activePath, setActivePath] = useState<string | null>(null);
  const activeNode = activePath === null ? undefined : findNodes(tree, activePath)[0];

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index] ?? index,
    overscan: 16,
    // A first window of rows for the server render and first paint, before the container is measured.
    initialRect: { width: 0, height: 600 },
    // React 19 warns when flushSync runs during rendering; batched scroll updates are smooth enough.
    useFlushSync: false,
  });

  // A new filter starts reading from the top rather than at a stale scroll offset.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [filter]);

  const setOpen = (path: string, open: boolean) => {
    const next = new Set(expanded);
    if (open) next.add(path);
    else next.delete(path);
    setUserExpanded(next);
  };

  const toggle = (node: number) => {
    if (readOnly) return;
    // Unchecked and indeterminate both select the whole subtree; only a full tick clears it.
    const selected = checkState(tree, selection, node) !== "true";
    onOverridesChange(applyToggle(overrides, tree.path[node]!, selected));
  };

  const clearFilters = () => {
    setSearch("");
    chips.clear();
  };

  return (
    <div className="space-y-3">
      <TreeToolbar
        search={search}
        onSearch={setSearch}
        onExpandAll={() => setUserExpanded(allFolderPaths(tree))}
        onCollapseAll={() => setUserExpanded(new Set())}
        showClear={filtering || Boolean(search)}
        onClear={clearFilters}
        matching={filtering ? matchingEntries : null}
        totals={{
          selectedEntries: selection.selectedCount,
          entries: selection.totalCount,
          selectedBytes: selection.selectedSize,
          bytes: selection.totalSize,
        }}
        saving={saving}
        {...chips.toolbar}
        imageLayers={imageLayers}
      />

      <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div ref={scrollRef} data-testid="change-tree" className="h-[60vh] overflow-auto rounded-lg border border-slate-200 bg-white">
          {rows.length === 0 ? (
            <p className="px-4 py-6 text-sm text-slate-500">Nothing matches the filter.</p>
          ) : (
            <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((item) => {
                const node = rows[item.index]!;
                return (
                  <TreeRow
                    key={item.key}
                    tree={tree}
                    selection={selection}
                    node={node}
                    open={expanded.has(tree.path[node]!)}
                    active={node === activeNode}
                    style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                    onToggle={toggle}
                    readOnly={readOnly}
                    onOpen={setOpen}
                    onActivate={setActivePath}
                  />
                );
              })}
            </div>
          )}
        </div>
        {activeNode === undefined ? (
          <aside className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-sm text-slate-500">
            Click a row to see what it is and why it was selected or not.
          </aside>
        ) : (
          <EntryDetails tree={tree} selection={selection} overrides={overrides} node={activeNode} onClose={() => setActivePath(null)} />
        )}
      </div>
    </div>
  );
}

function TreeRow({
  tree,
  selection,
  node,
  open,
  active,
  style,
  onToggle,
  readOnly,
  onOpen,
  onActivate,
}: {
  tree: ChangeTreeModel;
  selection: SelectionState;
  node: number;
  open: boolean;
  active: boolean;
  style: CSSProperties;
  onToggle: (node: number) => void;
  readOnly: string | undefined;
  onOpen: (path: string, open: boolean) => void;
  onActivate: (path: string) => void;
}) {
  const entryIndex = tree.entry[node]!;
  return (
    <TreeRowView
      path={tree.path[node]!}
      name={nodeName(tree, node)}
      depth={tree.depth[node]!}
      state={checkState(tree, selection, node)}
      entry={entryIndex === -1 ? undefined : tree.entries[entryIndex]}
      folder={tree.isFolder[node] === 1}
      expandable={tree.children[node] !== undefined}
      open={open}
      active={active}
      below={{
        selectedEntries: selection.selectedEntries[node]!,
        totalEntries: tree.totalEntries[node]!,
        totalBytes: tree.totalBytes[node]!,
      }}
      style={style}
      readOnly={readOnly}
      onToggle={() => onToggle(node)}
      onOpen={onOpen}
      onActivate={onActivate}
    />
  );
}

function EntryDetails({
  tree,
  selection,
  overrides,
  node,
  onClose,
}: {
  tree: ChangeTreeModel;
  selection: SelectionState;
  overrides: ReadonlyMap<string, boolean>;
  node: number;
  onClose: () => void;
}) {
  const entryIndex = tree.entry[node]!;
  const overrideNode = selection.overrideNode[node]!;
  const overridePath = overrideNode === -1 ? null : tree.path[overrideNode]!;
  return (
    <EntryDetailsView
      path={tree.path[node]!}
      entry={entryIndex === -1 ? undefined : tree.entries[entryIndex]}
      selected={entryIndex !== -1 && Boolean(selection.entrySelected[entryIndex])}
      below={
        tree.isFolder[node] === 1
          ? {
              selectedEntries: selection.selectedEntries[node]!,
              totalEntries: tree.totalEntries[node]!,
              selectedBytes: selection.selectedBytes[node]!,
              totalBytes: tree.totalBytes[node]!,
            }
          : null
      }
      override={overridePath === null ? null : { path: overridePath, selected: Boolean(overrides.get(overridePath)) }}
      onClose={onClose}
    />
  );
}
