"use client";
// What the whole tree (change-tree.tsx, up to 20,000 entries in the page) and the paged tree
// (paged-change-tree.tsx, counts from the server) show the same way: the toolbar, a row, and the
// details panel. Each tree works out the numbers its own way and hands them here.

import { useState, type CSSProperties, type KeyboardEvent, type ReactNode } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatBytes, formatDate } from "@/components/ui/format";
import { CATEGORIES, type Category, type ChangeKind, type ChangeSource } from "@/lib/changes/classify/types";
import { sourceText, type CheckState, type TreeEntry } from "@/lib/changes/tree/tree-model";

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

export function decidedByText(entry: Pick<TreeEntry, "decidedBy">): string {
  return entry.decidedBy.rule ? `${entry.decidedBy.rule} — ${entry.decidedBy.reason}` : entry.decidedBy.reason;
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

/** An entry as both trees have it (the whole list's, or a folder page's). */
export type RowEntry = Pick<
  TreeEntry,
  | "category"
  | "kind"
  | "source"
  | "imageLayer"
  | "decidedBy"
  | "defaultSelected"
  | "type"
  | "linkTarget"
  | "size"
  | "mode"
  | "uid"
  | "gid"
  | "mtime"
>;

export type Totals = { selectedEntries: number; entries: number; selectedBytes: number; bytes: number };

export type ImageLayerChip = { index: number; step: string | null; entries: number };

/** Search, expand/collapse, the selection's totals and the filter chips. */
export function TreeToolbar({
  search,
  onSearch,
  onExpandAll,
  onCollapseAll,
  showClear,
  onClear,
  matching,
  totals,
  saving,
  categories,
  onCategories,
  sources,
  onSources,
  kinds,
  onKinds,
  imageLayers,
  layerChips,
  onLayerChips,
}: {
  search: string;
  onSearch: (value: string) => void;
  /** Absent where opening every folder would mean loading every page (the paged tree). */
  onExpandAll?: () => void;
  onCollapseAll: () => void;
  showClear: boolean;
  onClear: () => void;
  /** Entries matching the filters, or null when no filter is on. */
  matching: number | null;
  totals: Totals;
  saving: boolean | undefined;
  categories: ReadonlySet<Category>;
  onCategories: (next: ReadonlySet<Category>) => void;
  sources: ReadonlySet<ChangeSource>;
  onSources: (next: ReadonlySet<ChangeSource>) => void;
  kinds: ReadonlySet<ChangeKind>;
  onKinds: (next: ReadonlySet<ChangeKind>) => void;
  imageLayers: readonly ImageLayerChip[];
  layerChips: ReadonlySet<string>;
  onLayerChips: (next: ReadonlySet<string>) => void;
}) {
  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-3">
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
          placeholder="Search paths"
          aria-label="Search paths"
          className="w-72 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
        />
        {onExpandAll ? (
          <Button variant="secondary" onClick={onExpandAll}>
            Expand all
          </Button>
        ) : null}
        <Button variant="secondary" onClick={onCollapseAll}>
          Collapse all
        </Button>
        {showClear ? (
          <Button variant="secondary" onClick={onClear}>
            Clear filters
          </Button>
        ) : null}
        <div className="ml-auto flex items-center gap-3 text-sm">
          {matching !== null ? (
            <span data-testid="filter-matches" className="text-slate-500">
              {numberFormat.format(matching)} matching
            </span>
          ) : null}
          <span
            data-testid="selection-totals"
            data-selected-entries={totals.selectedEntries}
            data-selected-bytes={totals.selectedBytes}
            data-total-entries={totals.entries}
            className="font-medium text-slate-700"
          >
            {numberFormat.format(totals.selectedEntries)} of {numberFormat.format(totals.entries)} entries selected ·{" "}
            {formatBytes(totals.selectedBytes)} of {formatBytes(totals.bytes)}
          </span>
          <SaveHint saving={saving} />
        </div>
      </div>
      <div className="flex flex-wrap gap-x-4 gap-y-2">
        <ChipGroup label="Category" values={CATEGORIES} selected={categories} onChange={onCategories} />
        <ChipGroup label="Source" values={SOURCES} selected={sources} onChange={onSources} />
        <ChipGroup label="Kind" values={KINDS} selected={kinds} onChange={onKinds} />
        {imageLayers.length ? (
          <ChipGroup
            label="Image layer"
            values={imageLayers.map((layer) => String(layer.index))}
            selected={layerChips}
            onChange={onLayerChips}
            describe={(value) => {
              const layer = imageLayers.find((candidate) => String(candidate.index) === value);
              return `layer ${value}: ${layer?.step ?? "step unknown"} (${layer?.entries ?? 0} entries)`;
            }}
          />
        ) : null}
      </div>
    </div>
  );
}

/** One row: expander, tick, name, category or folder counts, source, kind and size. */
export function TreeRowView({
  path,
  name,
  depth,
  state,
  entry,
  folder,
  expandable,
  open,
  active,
  below,
  style,
  readOnly,
  onToggle,
  onOpen,
  onActivate,
}: {
  path: string;
  name: string;
  depth: number;
  state: CheckState;
  entry: RowEntry | undefined;
  folder: boolean;
  expandable: boolean;
  open: boolean;
  active: boolean;
  /** Selected and total entries below a folder, and its bytes. */
  below: { selectedEntries: number; totalEntries: number; totalBytes: number };
  style: CSSProperties;
  readOnly: string | undefined;
  onToggle: () => void;
  onOpen: (path: string, open: boolean) => void;
  onActivate: (path: string) => void;
}) {
  const title = entry
    ? decidedByText(entry)
    : `${numberFormat.format(below.selectedEntries)} of ${numberFormat.format(below.totalEntries)} entries below selected`;

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
      style={{ ...style, paddingLeft: 8 + (depth - 1) * INDENT }}
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
      <TriStateCheckbox label={`Select ${path}`} state={state} onChange={onToggle} disabledReason={readOnly} />
      <span
        className={`min-w-0 flex-1 truncate ${folder ? "font-medium text-slate-800" : "text-slate-700"} ${entry?.kind === "deleted" ? "line-through decoration-slate-400" : ""}`}
      >
        {name}
        {folder ? <span className="text-slate-400">/</span> : null}
      </span>
      {entry?.category === "secret-candidate" ? <SecretWarning /> : null}
      <span className="w-36 shrink-0 text-right">
        {folder ? (
          <span className="text-xs text-slate-500 tabular-nums">
            {numberFormat.format(below.selectedEntries)} / {numberFormat.format(below.totalEntries)}
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
        {formatBytes(folder ? below.totalBytes : (entry?.size ?? 0))}
      </span>
    </div>
  );
}

/** The panel beside the tree: what the clicked path is, why it is selected or not, and which override applies. */
export function EntryDetailsView({
  path,
  entry,
  selected,
  below,
  override,
  onClose,
}: {
  path: string;
  entry: RowEntry | undefined;
  selected: boolean;
  /** For a folder: what is below it. */
  below: { selectedEntries: number; totalEntries: number; selectedBytes: number; totalBytes: number } | null;
  /** The nearest hand override at or above the path. */
  override: { path: string; selected: boolean } | null;
  onClose: () => void;
}) {
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
            <Detail label="Selected">{selected ? "yes" : "no"}</Detail>
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
        {below ? (
          <Detail label="Below">
            {numberFormat.format(below.selectedEntries)} of {numberFormat.format(below.totalEntries)} entries selected ·{" "}
            {formatBytes(below.selectedBytes)} of {formatBytes(below.totalBytes)}
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
        {override === null
          ? "No hand override: rules and category decide."
          : `Hand override applies: ${override.selected ? "selected" : "not selected"}${override.path === path ? " on this path" : ` via ${override.path}`}.`}
      </p>
    </aside>
  );
}
