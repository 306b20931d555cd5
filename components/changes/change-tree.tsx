"use client";
// Curation tree for a container's changed files: tick folders or files to archive, see why each
// entry was selected by default, and filter by category, source, kind or path.
//
// Built for 100,000 entries: the folder tree is built once per `entries` array, selection counts
// are recomputed from `overrides` with typed-array passes (see lib/changes/tree/tree-model.ts), and only the rows
// on screen are rendered. Keep `entries` referentially stable between renders in the parent.

import { useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatBytes, formatDate } from "@/components/ui/format";
import { CATEGORIES, type Category, type ChangeKind, type ChangeSource } from "@/lib/changes/classify/types";
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
  sourceText,
  visibleRows,
  type ChangeTreeModel,
  type CheckState,
  type SelectionState,
  type TreeEntry,
  type TreeFilter,
} from "@/lib/changes/tree/tree-model";

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

export const ROW_HEIGHT = 28;
export const INDENT = 16;
export const SOURCES: ChangeSource[] = ["image", "layer", "volume", "bind"];
export const KINDS: ChangeKind[] = ["added", "modified", "deleted"];
export const SECRET_WARNING =
  "A secret (a key or a password): kept by default, because the service's identity may depend on it; untick it to leave it out";
export const numberFormat = new Intl.NumberFormat("en-US");

// Badge has six tones; categories need seven distinguishable colours, so they get their own.
const categoryStyles: Record<Category, string> = {
  "user-data": "bg-emerald-50 text-emerald-700 ring-emerald-200",
  config: "bg-sky-50 text-sky-700 ring-sky-200",
  account: "bg-violet-50 text-violet-700 ring-violet-200",
  "package-unchanged": "bg-slate-100 text-slate-600 ring-slate-200",
  runtime: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  log: "bg-stone-100 text-stone-700 ring-stone-200",
  "secret-candidate": "bg-amber-50 text-amber-800 ring-amber-300",
};

export const sourceTones: Record<ChangeSource, Tone> = { image: "amber", layer: "gray", volume: "blue", bind: "violet" };

const kindMarks: Record<ChangeKind, { letter: string; className: string }> = {
  added: { letter: "A", className: "text-emerald-700" },
  modified: { letter: "M", className: "text-amber-700" },
  deleted: { letter: "D", className: "text-red-700" },
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
  const [categories, setCategories] = useState<ReadonlySet<Category>>(() => new Set());
  const [sources, setSources] = useState<ReadonlySet<ChangeSource>>(() => new Set());
  const [kinds, setKinds] = useState<ReadonlySet<ChangeKind>>(() => new Set());
  const [layerChips, setLayerChips] = useState<ReadonlySet<string>>(() => new Set());
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
    setCategories(new Set());
    setSources(new Set());
    setKinds(new Set());
  };

  return (
    <div className="space-y-3">
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-3">
        <div className="flex flex-wrap items-center gap-2">
          <input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Search paths"
            aria-label="Search paths"
            className="w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
          />
          <Button variant="secondary" onClick={() => setUserExpanded(allFolderPaths(tree))}>
            Expand all
          </Button>
          <Button variant="secondary" onClick={() => setUserExpanded(new Set())}>
            Collapse all
          </Button>
          {filtering || search ? (
            <Button variant="secondary" onClick={clearFilters}>
              Clear filters
            </Button>
          ) : null}
          <div className="ml-auto flex items-center gap-3 text-sm">
            {filtering ? (
              <span data-testid="filter-matches" className="text-slate-500">
                {numberFormat.format(matchingEntries)} matching
              </span>
            ) : null}
            <span
              data-testid="selection-totals"
              data-selected-entries={selection.selectedCount}
              data-selected-bytes={selection.selectedSize}
              data-total-entries={selection.totalCount}
              className="font-medium text-slate-700"
            >
              {numberFormat.format(selection.selectedCount)} of {numberFormat.format(selection.totalCount)} entries selected ·{" "}
              {formatBytes(selection.selectedSize)} of {formatBytes(selection.totalSize)}
            </span>
            <SaveHint saving={saving} />
          </div>
        </div>
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          <ChipGroup label="Category" values={CATEGORIES} selected={categories} onChange={setCategories} />
          <ChipGroup label="Source" values={SOURCES} selected={sources} onChange={setSources} />
          <ChipGroup label="Kind" values={KINDS} selected={kinds} onChange={setKinds} />
          {imageLayers.length ? (
            <ChipGroup
              label="Image layer"
              values={imageLayers.map((layer) => String(layer.index))}
              selected={layerChips}
              onChange={setLayerChips}
              describe={(value) => {
                const layer = imageLayers.find((candidate) => String(candidate.index) === value);
                return `layer ${value}: ${layer?.step ?? "step unknown"} (${layer?.entries ?? 0} entries)`;
              }}
            />
          ) : null}
        </div>
      </div>

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

export function SaveHint({ saving }: { saving: boolean | undefined }) {
  // "saved" only after a save actually went through, not on first render.
  const [previous, setPrevious] = useState(saving);
  const [saved, setSaved] = useState(false);
  if (previous !== saving) {
    setPrevious(saving);
    if (previous && !saving) setSaved(true);
  }
  if (!saving && !saved) return null;
  return (
    <span data-testid="save-status" aria-live="polite" className="text-xs text-slate-500">
      {saving ? "saving…" : "saved"}
    </span>
  );
}

export function ChipGroup<T extends string>({
  label,
  values,
  selected,
  onChange,
  describe,
}: {
  label: string;
  values: readonly T[];
  selected: ReadonlySet<T>;
  onChange: (next: ReadonlySet<T>) => void;
  /** The chip's title (shown on hover). */
  describe?: (value: T) => string;
}) {
  return (
    <div role="group" aria-label={`Filter by ${label.toLowerCase()}`} className="flex flex-wrap items-center gap-1">
      <span className="mr-1 text-xs text-slate-500">{label}</span>
      {values.map((value) => {
        const on = selected.has(value);
        return (
          <button
            key={value}
            type="button"
            aria-pressed={on}
            title={describe?.(value)}
            onClick={() => {
              const next = new Set(selected);
              if (on) next.delete(value);
              else next.add(value);
              onChange(next);
            }}
            className={`rounded-full px-2 py-0.5 text-xs ring-1 ring-inset ${on ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
          >
            {value}
          </button>
        );
      })}
    </div>
  );
}

export function decidedByText(entry: TreeEntry): string {
  return entry.decidedBy.rule ? `${entry.decidedBy.rule} — ${entry.decidedBy.reason}` : entry.decidedBy.reason;
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
  const path = tree.path[node]!;
  const entryIndex = tree.entry[node]!;
  const entry = entryIndex === -1 ? undefined : tree.entries[entryIndex];
  const folder = tree.isFolder[node] === 1;
  const expandable = tree.children[node] !== undefined;
  const state = checkState(tree, selection, node);
  const selectedBelow = selection.selectedEntries[node]!;
  const totalBelow = tree.totalEntries[node]!;
  const title = entry
    ? decidedByText(entry)
    : `${numberFormat.format(selectedBelow)} of ${numberFormat.format(totalBelow)} entries below selected`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onActivate(path);
    } else if (event.key === "ArrowRight" && expandable && !open) {
      onOpen(path, true);
    } else if (event.key === "ArrowLeft" && expandable && open) {
      onOpen(path, false);
    }
  };

  return (
    <div
      data-testid="tree-row"
      data-path={path}
      data-selected={state}
      title={title}
      tabIndex={0}
      aria-current={active ? "true" : undefined}
      onClick={() => onActivate(path)}
      onKeyDown={onKeyDown}
      style={{ ...style, paddingLeft: 8 + (tree.depth[node]! - 1) * INDENT }}
      className={`absolute top-0 left-0 flex w-full cursor-default items-center gap-2 border-b border-slate-100 pr-3 text-sm ${active ? "bg-sky-50" : "hover:bg-slate-50"}`}
    >
      {expandable ? (
        <button
          type="button"
          aria-label={`${open ? "Collapse" : "Expand"} ${path}`}
          aria-expanded={open}
          onClick={(event) => {
            event.stopPropagation();
            onOpen(path, !open);
          }}
          className="flex h-5 w-5 shrink-0 items-center justify-center rounded text-slate-500 hover:bg-slate-200"
        >
          <span aria-hidden className={`inline-block text-[10px] transition-transform ${open ? "rotate-90" : ""}`}>
            ▶
          </span>
        </button>
      ) : (
        <span className="w-5 shrink-0" />
      )}
      <TriStateCheckbox label={`Select ${path}`} state={state} onChange={() => onToggle(node)} disabledReason={readOnly} />
      <span
        className={`min-w-0 flex-1 truncate ${folder ? "font-medium text-slate-800" : "text-slate-700"} ${entry?.kind === "deleted" ? "line-through decoration-slate-400" : ""}`}
      >
        {nodeName(tree, node)}
        {folder ? <span className="text-slate-400">/</span> : null}
      </span>
      {entry?.category === "secret-candidate" ? <SecretWarning /> : null}
      <span className="w-36 shrink-0 text-right">
        {folder ? (
          <span className="text-xs text-slate-500 tabular-nums">
            {numberFormat.format(selectedBelow)} / {numberFormat.format(totalBelow)}
          </span>
        ) : entry ? (
          <CategoryBadge category={entry.category} />
        ) : null}
      </span>
      <span
        className="w-20 shrink-0"
        title={entry ? sourceText(entry) : undefined}
        data-testid={entry?.imageLayer ? "image-layer-source" : undefined}
      >
        {entry ? (
          <Badge tone={sourceTones[entry.source]}>{entry.imageLayer ? `image ${entry.imageLayer.index}` : entry.source}</Badge>
        ) : null}
      </span>
      <span className="w-4 shrink-0 text-center">{entry ? <KindMark kind={entry.kind} /> : null}</span>
      <span className="w-20 shrink-0 text-right text-xs text-slate-500 tabular-nums">
        {formatBytes(folder ? tree.totalBytes[node]! : (entry?.size ?? 0))}
      </span>
    </div>
  );
}

export function TriStateCheckbox({
  label,
  state,
  onChange,
  disabledReason,
}: {
  label: string;
  state: CheckState;
  onChange: () => void;
  disabledReason?: string;
}) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      disabled={Boolean(disabledReason)}
      title={disabledReason}
      checked={state === "true"}
      aria-checked={state === "mixed" ? "mixed" : state === "true"}
      // `indeterminate` is a DOM property with no attribute, so it is set on the element directly.
      ref={(element) => {
        if (element) element.indeterminate = state === "mixed";
      }}
      onClick={(event) => event.stopPropagation()}
      onChange={onChange}
      className="h-4 w-4 shrink-0 accent-slate-800 disabled:cursor-not-allowed disabled:opacity-60"
    />
  );
}

export function CategoryBadge({ category }: { category: Category }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${categoryStyles[category]}`}>
      {category}
    </span>
  );
}

export function SecretWarning() {
  return (
    <span role="img" aria-label="Possible secret" title={SECRET_WARNING} data-testid="secret-warning" className="shrink-0 text-amber-600">
      ⚠
    </span>
  );
}

export function KindMark({ kind }: { kind: ChangeKind }) {
  const mark = kindMarks[kind];
  return (
    <abbr title={kind} className={`text-xs font-semibold no-underline ${mark.className}`}>
      {mark.letter}
    </abbr>
  );
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_1fr] gap-2 py-0.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
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
  const path = tree.path[node]!;
  const entryIndex = tree.entry[node]!;
  const entry = entryIndex === -1 ? undefined : tree.entries[entryIndex];
  const overrideNode = selection.overrideNode[node]!;
  const overridePath = overrideNode === -1 ? null : tree.path[overrideNode]!;
  const overrideValue = overridePath === null ? undefined : overrides.get(overridePath);
  const folder = tree.isFolder[node] === 1;

  return (
    <aside data-testid="entry-details" className="space-y-3 self-start rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <div className="flex items-start gap-2">
        <code className="min-w-0 flex-1 font-mono text-xs break-all">{path}</code>
        <button type="button" aria-label="Close details" onClick={onClose} className="text-slate-400 hover:text-slate-700">
          ×
        </button>
      </div>
      {entry?.category === "secret-candidate" ? (
        <p className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900 ring-1 ring-amber-200" title={SECRET_WARNING}>
          ⚠ {SECRET_WARNING}
        </p>
      ) : null}
      <dl>
        {entry ? (
          <>
            <Detail label="Selected">{selection.entrySelected[entryIndex] ? "yes" : "no"}</Detail>
            <Detail label="Category">
              <CategoryBadge category={entry.category} />
            </Detail>
            <Detail label="Source">{sourceText(entry)}</Detail>
            <Detail label="Kind">{entry.kind}</Detail>
            <Detail label="Type">
              {entry.type}
              {entry.linkTarget ? ` → ${entry.linkTarget}` : ""}
            </Detail>
            <Detail label="Size">{formatBytes(entry.size)}</Detail>
            <Detail label="Mode">
              <code className="font-mono text-xs">{formatMode(entry.mode)}</code>
            </Detail>
            <Detail label="Owner">
              {entry.uid}:{entry.gid}
            </Detail>
            <Detail label="Modified">{formatDate(entry.mtime)}</Detail>
          </>
        ) : (
          <Detail label="Type">folder (not itself changed)</Detail>
        )}
        {folder ? (
          <Detail label="Below">
            {numberFormat.format(selection.selectedEntries[node]!)} of {numberFormat.format(tree.totalEntries[node]!)} entries selected ·{" "}
            {formatBytes(selection.selectedBytes[node]!)} of {formatBytes(tree.totalBytes[node]!)}
          </Detail>
        ) : null}
      </dl>
      {entry ? (
        <p data-testid="entry-decided-by">
          <span className="text-slate-500">Decided by: </span>
          {decidedByText(entry)}
          <span className="text-slate-500"> (default: {entry.defaultSelected ? "selected" : "not selected"})</span>
        </p>
      ) : null}
      <p data-testid="entry-override" className="text-slate-600">
        {overridePath === null
          ? "No hand override: rules and category decide."
          : `Hand override applies: ${overrideValue ? "selected" : "not selected"}${overridePath === path ? " on this path" : ` via ${overridePath}`}.`}
      </p>
    </aside>
  );
}
