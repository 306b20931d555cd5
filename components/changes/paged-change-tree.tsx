"use client";
// The curation tree for large detections (up to 1,000,000 entries and more): the server keeps the
// detection and its tree (lib/changes/tree), this component asks for the root's children first and
// for a folder's children when it opens, a page of FOLDER_PAGE_SIZE at a time as the list scrolls.
// Counts, bytes and check states come from the server; a tick shows at once (the ticked subtree
// follows the new override) and the open folders' pages are refetched once the tick is saved.
// Filters run on the server too: folders answer only the children that hold matches.

import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { useFilterChips } from "./use-filter-chips";
import { useVirtualizer } from "@tanstack/react-virtual";
import { applyToggle, nearestOverride, type CheckState } from "@/lib/changes/tree/tree-model";
import type { ChangeFolderNode, ChangeFolderPage, ChangesSummary } from "@/lib/queries/api-types";
import { FOLDER_PAGE_SIZE, useChangeFolders, wantedKey } from "@/lib/queries/use-change-folders";
import type { ChangesOptions } from "@/lib/queries/use-changes-summary";
import { EntryDetailsView, INDENT, ROW_HEIGHT, TreeRowView, TreeToolbar } from "./tree-parts";

/** With a filter on, folders holding at most this many matches open by themselves. */
const REVEAL_MATCHES = 100;
const SEARCH_DELAY_MS = 250;

export type PagedChangeTreeProps = {
  engineId: string;
  containerRef: string;
  options: ChangesOptions;
  summary: ChangesSummary;
  /** path -> selected, set by hand (the panel saves them through the selection API). */
  overrides: ReadonlyMap<string, boolean>;
  onOverridesChange: (next: Map<string, boolean>) => void;
  saving?: boolean;
  readOnly?: string;
};

type Row = { key: string; depth: number; folder: string; page: number; node: ChangeFolderNode | undefined };

type Shown = { state: CheckState; selectedEntries: number; selectedBytes: number };

// The server counted under the overrides it had; where the person's overrides since differ (a tick
// not saved or not refetched yet), the nearest new override decides the whole subtree.
function shownState(node: ChangeFolderNode, overrides: ReadonlyMap<string, boolean>): Shown {
  const mine = nearestOverride(overrides, node.path);
  const theirs = node.override;
  if (!mine || (theirs && theirs.path === mine.path && theirs.selected === mine.selected)) return node;
  return mine.selected
    ? { state: node.totalEntries ? "true" : "false", selectedEntries: node.totalEntries, selectedBytes: node.totalBytes }
    : { state: "false", selectedEntries: 0, selectedBytes: 0 };
}

export function PagedChangeTree({
  engineId,
  containerRef,
  options,
  summary,
  overrides,
  onOverridesChange,
  saving,
  readOnly,
}: PagedChangeTreeProps) {
  const [search, setSearch] = useState("");
  const [typedSearch, setTypedSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const chips = useFilterChips();
  const { categories, sources, kinds, layerChips } = chips;
  const imageLayers = summary.imageLayers;

  // Typing waits for a pause before asking the server.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typedSearch), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typedSearch]);

  const filter = useMemo(() => {
    const params: Record<string, string> = {};
    if (categories.size) params.category = [...categories].sort().join(",");
    if (sources.size) params.source = [...sources].sort().join(",");
    if (kinds.size) params.kind = [...kinds].sort().join(",");
    if (layerChips.size) params.imageLayer = [...layerChips].sort().join(",");
    if (deferredSearch.trim()) params.search = deferredSearch.trim();
    return params;
  }, [categories, sources, kinds, layerChips, deferredSearch]);
  const filtering = Object.keys(filter).length > 0;

  // null until the person opens or closes a folder: top-level folders start open.
  const [userExpanded, setUserExpanded] = useState<ReadonlySet<string> | null>(null);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(() => new Set());
  const [scrolledPages, setScrolledPages] = useState<ReadonlySet<string>>(() => new Set());

  // Pages asked for: the first of the root and of every open folder, plus those scrolled to.
  const [rootFirst, setRootFirst] = useState<ChangeFolderPage | undefined>(undefined);
  const defaultOpen = useMemo(() => {
    const open = new Set<string>();
    for (const child of rootFirst?.children ?? []) if (child.childCount > 0) open.add(child.path);
    return open;
  }, [rootFirst]);
  const expanded = useMemo(() => {
    const base = userExpanded ?? defaultOpen;
    if (!filtering || revealed.size === 0) return base;
    return new Set([...base, ...revealed]);
  }, [userExpanded, defaultOpen, filtering, revealed]);

  const wanted = useMemo(() => {
    const keys = new Set<string>([wantedKey("/", 0)]);
    for (const path of expanded) keys.add(wantedKey(path, 0));
    for (const key of scrolledPages) keys.add(key);
    return [...keys];
  }, [expanded, scrolledPages]);
  const pages = useChangeFolders(engineId, containerRef, options, filter, wanted);
  const rootPage = pages.get(wantedKey("/", 0));
  if (rootPage !== rootFirst && rootPage && !rootFirst) setRootFirst(rootPage);

  // A new filter: forget the folders it opened and the pages scrolled to.
  const [filterFor, setFilterFor] = useState(filter);
  if (filterFor !== filter) {
    setFilterFor(filter);
    setRevealed(new Set());
    setScrolledPages(new Set());
  }

  const rows = useMemo(() => {
    const out: Row[] = [];
    const visit = (folder: string, depth: number) => {
      const first = pages.get(wantedKey(folder, 0));
      if (!first) {
        if (folder !== "/") out.push({ key: `${folder}\n…`, depth, folder, page: 0, node: undefined });
        return;
      }
      for (let index = 0; index < first.total; index++) {
        const page = Math.floor(index / FOLDER_PAGE_SIZE);
        const node = (page === 0 ? first : pages.get(wantedKey(folder, page)))?.children[index - page * FOLDER_PAGE_SIZE];
        out.push({ key: node?.path ?? `${folder}\n#${index}`, depth, folder, page, node });
        if (node && node.childCount > 0 && expanded.has(node.path)) visit(node.path, depth + 1);
      }
    };
    visit("/", 1);
    return out;
  }, [pages, expanded]);

  // With a filter on, open the folders that hold few matches so they are on screen.
  useEffect(() => {
    if (!filtering) return;
    const more = rows.filter(
      (row) => row.node && row.node.childCount > 0 && row.node.matchingEntries <= REVEAL_MATCHES && !revealed.has(row.node.path),
    );
    if (more.length) setRevealed(new Set([...revealed, ...more.map((row) => row.node!.path)]));
  }, [rows, filtering, revealed]);

  const [activePath, setActivePath] = useState<string | null>(null);
  const activeRow = activePath === null ? undefined : rows.find((row) => row.node?.path === activePath);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 16,
    initialRect: { width: 0, height: 600 },
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();

  // Rows on screen whose page is not loaded yet: ask for it.
  const missing = items
    .map((item) => rows[item.index])
    .filter((row): row is Row => Boolean(row && !row.node && row.page > 0))
    .map((row) => wantedKey(row.folder, row.page));
  const missingKey = [...new Set(missing)].join("\0");
  useEffect(() => {
    if (!missingKey) return;
    setScrolledPages((known) => {
      const add = missingKey.split("\0").filter((key) => !known.has(key));
      return add.length ? new Set([...known, ...add]) : known;
    });
  }, [missingKey]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [filter]);

  const setOpen = useCallback(
    (path: string, open: boolean) => {
      const next = new Set(expanded);
      if (open) next.add(path);
      else next.delete(path);
      setUserExpanded(next);
      if (!open) setRevealed((known) => (known.has(path) ? new Set([...known].filter((p) => p !== path)) : known));
    },
    [expanded],
  );

  const toggle = (node: ChangeFolderNode) => {
    if (readOnly) return;
    // Unchecked and mixed both select the whole subtree; only a full tick clears it.
    const selected = shownState(node, overrides).state !== "true";
    onOverridesChange(applyToggle(overrides, node.path, selected));
  };

  const clearFilters = () => {
    setTypedSearch("");
    setSearch("");
    chips.clear();
  };

  const totals = summary.totals;
  return (
    <div className="space-y-3" data-testid="paged-change-tree">
      <TreeToolbar
        search={typedSearch}
        onSearch={setTypedSearch}
        onCollapseAll={() => setUserExpanded(new Set())}
        showClear={filtering || Boolean(typedSearch)}
        onClear={clearFilters}
        matching={filtering && rootPage ? rootPage.matchingEntries : null}
        totals={totals}
        saving={saving}
        {...chips.toolbar}
        imageLayers={imageLayers}
      />

      <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div ref={scrollRef} data-testid="change-tree" className="h-[60vh] overflow-auto rounded-lg border border-slate-200 bg-white">
          {!rootPage ? (
            <p className="px-4 py-6 text-sm text-slate-500" role="status">
              Loading folders…
            </p>
          ) : rows.length === 0 ? (
            <p className="px-4 py-6 text-sm text-slate-500">{filtering ? "Nothing matches the filter." : "No changes detected"}</p>
          ) : (
            <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const row = rows[item.index]!;
                const style = { height: item.size, transform: `translateY(${item.start}px)` };
                return row.node ? (
                  <PagedRow
                    key={item.key}
                    node={row.node}
                    depth={row.depth}
                    shown={shownState(row.node, overrides)}
                    open={expanded.has(row.node.path)}
                    active={row.node.path === activePath}
                    style={style}
                    onToggle={toggle}
                    readOnly={readOnly}
                    onOpen={setOpen}
                    onActivate={setActivePath}
                  />
                ) : (
                  <div
                    key={item.key}
                    style={{ ...style, paddingLeft: 8 + (row.depth - 1) * INDENT + 28 }}
                    className="absolute top-0 left-0 flex w-full items-center border-b border-slate-100 text-sm text-slate-400"
                  >
                    loading…
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {activeRow?.node === undefined ? (
          <aside className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-sm text-slate-500">
            Click a row to see what it is and why it was selected or not.
          </aside>
        ) : (
          <PagedDetails node={activeRow.node} overrides={overrides} onClose={() => setActivePath(null)} />
        )}
      </div>
    </div>
  );
}

function PagedRow({
  node,
  depth,
  shown,
  open,
  active,
  style,
  onToggle,
  readOnly,
  onOpen,
  onActivate,
}: {
  node: ChangeFolderNode;
  depth: number;
  shown: Shown;
  open: boolean;
  active: boolean;
  style: CSSProperties;
  onToggle: (node: ChangeFolderNode) => void;
  readOnly: string | undefined;
  onOpen: (path: string, open: boolean) => void;
  onActivate: (path: string) => void;
}) {
  return (
    <TreeRowView
      path={node.path}
      name={node.name}
      depth={depth}
      state={shown.state}
      entry={node.entry ?? undefined}
      folder={node.isFolder}
      expandable={node.childCount > 0}
      open={open}
      active={active}
      below={{ selectedEntries: shown.selectedEntries, totalEntries: node.totalEntries, totalBytes: node.totalBytes }}
      style={style}
      readOnly={readOnly}
      onToggle={() => onToggle(node)}
      onOpen={onOpen}
      onActivate={onActivate}
    />
  );
}

function PagedDetails({
  node,
  overrides,
  onClose,
}: {
  node: ChangeFolderNode;
  overrides: ReadonlyMap<string, boolean>;
  onClose: () => void;
}) {
  const { path, entry } = node;
  const shown = shownState(node, overrides);
  const override = nearestOverride(overrides, path);
  return (
    <EntryDetailsView
      path={path}
      entry={entry ?? undefined}
      selected={entry ? (override ? override.selected : entry.selected) : false}
      below={
        node.isFolder
          ? {
              selectedEntries: shown.selectedEntries,
              totalEntries: node.totalEntries,
              selectedBytes: shown.selectedBytes,
              totalBytes: node.totalBytes,
            }
          : null
      }
      override={override}
      onClose={onClose}
    />
  );
}
