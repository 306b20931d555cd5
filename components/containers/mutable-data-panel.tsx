"use client";
import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ArchiveSelection } from "@/components/archives/archive-selection";
import { ChangeTree } from "@/components/changes/change-tree";
import { PagedChangeTree } from "@/components/changes/paged-change-tree";
import { ReadWarnings } from "@/components/changes/read-warnings";
import { ImageBaseNote } from "@/components/changes/image-base-note";
import { effectiveSelected } from "@/lib/changes/tree/tree-model";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { formatBytes, formatDate } from "@/components/ui/format";
import { queryKeys } from "@/lib/queries/keys";
import { useChangesSummary } from "@/lib/queries/use-changes-summary";
import { useRuleSets } from "@/lib/queries/use-rule-sets";
import { useSaveSelection } from "@/lib/queries/use-save-selection";

const SAVE_DELAY_MS = 400;
/**
 * Detections of at most this many entries come whole with the summary and the tree is built in the
 * browser (one request, instant filters); larger ones (about 5 MB of JSON and up) are paged: the
 * server keeps the detection and answers folder by folder (PagedChangeTree).
 */
export const WHOLE_TREE_ENTRIES = 20_000;

/** Detect, review and curate a container's mutable data. Ticks are saved as they happen; a viewer sees them read-only. */
export function MutableDataPanel({ engineId, containerRef }: { engineId: string; containerRef: string }) {
  const canCurate = useCan("operator");
  const [ruleSet, setRuleSet] = useState<string | undefined>(undefined);
  const [markerDraft, setMarkerDraft] = useState("");
  const [sinceMarker, setSinceMarker] = useState<string | undefined>(undefined);
  const [sinceDraft, setSinceDraft] = useState("");
  const [since, setSince] = useState<string | undefined>(undefined);
  const options = useMemo(() => ({ ruleSet, sinceMarker, since }), [ruleSet, sinceMarker, since]);
  const changes = useChangesSummary(engineId, containerRef, options, WHOLE_TREE_ENTRIES);
  const queryClient = useQueryClient();
  const paged = Boolean(changes.data && !changes.data.entries);
  const ruleSets = useRuleSets();
  const saveSelection = useSaveSelection(engineId, containerRef);
  const [overrides, setOverrides] = useState<Map<string, boolean> | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Start from what the server has stored each time a detection arrives.
  const stored = changes.data?.overrides;
  useEffect(() => {
    // Not while ticks wait to be saved: the answer predates them.
    if (stored && !saveTimer.current) setOverrides(new Map(stored.map((override) => [override.path, override.selected])));
  }, [stored]);

  function changeOverrides(next: Map<string, boolean>) {
    if (!canCurate) return;
    setOverrides(next);
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      saveTimer.current = null;
      saveSelection.mutate({ overrides: [...next].map(([path, selected]) => ({ path, selected })) }, { onSuccess: refreshPaged });
    }, SAVE_DELAY_MS);
  }

  /** Save ticks still waiting for the debounce, so an archive started now uses them. */
  async function flushSelection() {
    if (!saveTimer.current || !overrides) return;
    clearTimeout(saveTimer.current);
    saveTimer.current = null;
    await saveSelection.mutateAsync({ overrides: [...overrides].map(([path, selected]) => ({ path, selected })) });
    refreshPaged();
  }

  /** The paged tree's counts come from the server: once ticks are saved, refetch its open pages and totals. */
  function refreshPaged() {
    if (!paged) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.allChangeFolders(engineId, containerRef) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.changesSummary(engineId, containerRef, options) });
  }

  function chooseRuleSet(id: string) {
    // A viewer may look at the tree under another rule set; only an operator's choice is stored with the selection.
    if (!canCurate) return setRuleSet(id);
    saveSelection.mutate(
      { overrides: [...(overrides ?? new Map())].map(([path, selected]) => ({ path, selected })), ruleSetId: id },
      { onSuccess: () => setRuleSet(id) },
    );
  }

  /** Whether the content of a base that is not a distribution's is archived too: stored, then detected anew. */
  function chooseBaseContent(value: boolean) {
    saveSelection.mutate(
      { overrides: [...(overrides ?? new Map())].map(([path, selected]) => ({ path, selected })), baseContent: value },
      { onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.changesSummary(engineId, containerRef, options) }) },
    );
  }

  const entries = useMemo(() => changes.data?.entries ?? [], [changes.data]);
  const pagedTotals = changes.data?.totals;
  // What an archive would keep right now: the tree's ticks, saved or about to be.
  const selectedTotals = useMemo(() => {
    const current = overrides ?? new Map<string, boolean>();
    let count = 0;
    let bytes = 0;
    for (const entry of entries) {
      const selected = effectiveSelected(current, entry.path, entry.defaultSelected);
      if (selected) {
        count++;
        bytes += entry.size;
      }
    }
    return paged && pagedTotals ? { entries: pagedTotals.selectedEntries, bytes: pagedTotals.selectedBytes } : { entries: count, bytes };
  }, [entries, overrides, paged, pagedTotals]);
  const data = changes.data;

  return (
    <div className="space-y-4" data-testid="mutable-data">
      <div className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <label>
          <span className="mb-1 block text-slate-600">Rule set</span>
          <select
            aria-label="Rule set"
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5"
            value={data?.ruleSet.id ?? ""}
            onChange={(event) => chooseRuleSet(event.target.value)}
            disabled={!data || saveSelection.isPending}
          >
            {(ruleSets.data ?? []).map((set) => (
              <option key={set.id} value={set.id}>
                {set.name}
                {set.builtIn ? " (built-in)" : ""}
              </option>
            ))}
          </select>
        </label>
        <form
          className="flex items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            setSinceMarker(markerDraft.trim() || undefined);
            // datetime-local is the browser's local time; the API takes an ISO instant.
            setSince(sinceDraft ? new Date(sinceDraft).toISOString() : undefined);
          }}
        >
          <label>
            <span className="mb-1 block text-slate-600" title="Only files modified after this time (your local time)">
              Changed after
            </span>
            <input
              type="datetime-local"
              aria-label="Changed after time"
              className="rounded-md border border-slate-300 px-2 py-1 text-xs"
              value={sinceDraft}
              onChange={(event) => setSinceDraft(event.target.value)}
            />
          </label>
          <label>
            <span
              className="mb-1 block text-slate-600"
              title="Only files modified after this file's mtime, e.g. a marker written when the image was built"
            >
              or after marker file
            </span>
            <input
              aria-label="Marker file"
              className="w-48 rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
              placeholder="/tmp/ts0"
              value={markerDraft}
              onChange={(event) => setMarkerDraft(event.target.value)}
            />
          </label>
          <Button variant="secondary" type="submit">
            Apply
          </Button>
        </form>
        <Button variant="secondary" onClick={() => void changes.detectAgain().then(refreshPaged)} disabled={changes.isFetching}>
          {changes.isFetching ? "Detecting…" : "Detect again"}
        </Button>
        <Link className="text-sky-700 hover:underline" href="/rules">
          Edit rule sets
        </Link>
        <span className="ml-auto text-xs text-slate-500" aria-live="polite" data-testid="save-state">
          {saveSelection.isPending ? "saving…" : saveSelection.isError ? "" : saveSelection.isSuccess ? "saved" : ""}
        </span>
      </div>

      {changes.error ? <Banner tone="red">Detection failed: {changes.error.message}</Banner> : null}
      {changes.data ? <ReadWarnings warnings={changes.data.warnings} what="in this container" /> : null}
      {saveSelection.error ? <Banner tone="red">Your ticks were not saved: {saveSelection.error.message}</Banner> : null}
      {changes.isLoading ? (
        <div className="rounded-lg border border-slate-200 bg-white p-8 text-center text-sm text-slate-500" role="status">
          Reading the container&apos;s changes, volumes and package database…
        </div>
      ) : null}

      {data ? (
        <>
          <p className="text-sm text-slate-600">
            {data.totals.entries.toLocaleString()} changed paths ({formatBytes(data.totals.bytes)}) in the image&apos;s layers above its
            base, the writable layer, volumes and bind mounts
            {data.since ? `, modified after ${data.since}` : ""}. Package manager: {data.packageManager ?? "none"}
            {data.packages.length
              ? ` (${data.packages.length} packages installed, ${data.packages.filter((pkg) => pkg.manual).length} by hand)`
              : ""}
            . Ticked entries are kept when you archive; package files that are unchanged come back with the package.
            {paged
              ? ` Detected at ${formatDate(data.detectedAt)}; the server keeps it for a while, “Detect again” reads the container anew.`
              : ""}
          </p>
          <ImageBaseNote image={data.image} onBaseContent={canCurate ? chooseBaseContent : undefined} saving={saveSelection.isPending} />
          {paged ? (
            <PagedChangeTree
              engineId={engineId}
              containerRef={containerRef}
              options={options}
              summary={data}
              overrides={overrides ?? new Map()}
              onOverridesChange={changeOverrides}
              saving={saveSelection.isPending}
              readOnly={canCurate ? undefined : needsRole("operator", "Ticking entries")}
            />
          ) : (
            <ChangeTree
              entries={entries}
              overrides={overrides ?? new Map()}
              onOverridesChange={changeOverrides}
              saving={saveSelection.isPending}
              readOnly={canCurate ? undefined : needsRole("operator", "Ticking entries")}
            />
          )}
          <ArchiveSelection
            engineId={engineId}
            containerRef={containerRef}
            selectedEntries={selectedTotals.entries}
            selectedBytes={selectedTotals.bytes}
            beforeArchive={flushSelection}
          />
        </>
      ) : null}
    </div>
  );
}
