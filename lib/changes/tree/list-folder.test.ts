import { describe, expect, it } from "vitest";
import { listFolder } from "./list-folder";
import { summarizeChanges } from "./summarize-changes";
import { applyToggle, buildTree, computeSelection, countMatches, imageLayersOf, type TreeEntry, type TreeFilter } from "./tree-model";
import type { DetectedChanges } from "@/lib/changes/detect-container-changes";

function entry(path: string, opts: Partial<TreeEntry> = {}): TreeEntry {
  return {
    path,
    kind: "added",
    source: "layer",
    type: "file",
    size: 10,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: "2024-01-01T00:00:00.000Z",
    category: "user-data",
    selected: true,
    decidedBy: { reason: "user data" },
    defaultSelected: true,
    ...opts,
  };
}

const entries: TreeEntry[] = [
  entry("/etc/app.conf", { category: "config", size: 5 }),
  entry("/srv", { type: "dir", size: 0 }),
  ...Array.from({ length: 30 }, (_, i) => entry(`/srv/data/f${String(i).padStart(2, "0")}.txt`)),
  entry("/srv/data/sub/deep.txt", { size: 100 }),
  entry("/srv/readme", { kind: "modified" }),
  entry("/var/log/app.log", { category: "log", selected: false, defaultSelected: false, size: 7 }),
  entry("/opt/tool", { source: "image", imageLayer: { index: 3, diffId: "sha256:x", step: "COPY tool /opt/tool" } }),
];

function answer(overrides: Map<string, boolean>, path: string, page = { offset: 0, limit: 500 }, filter?: TreeFilter) {
  const tree = buildTree(entries);
  const selection = computeSelection(tree, overrides);
  const matches = filter ? countMatches(tree, filter).matches : null;
  return listFolder({ tree, selection, overrides, path, ...page, matches });
}

describe("listFolder", () => {
  it("answers the root's children folders first, then by name, with totals", () => {
    const page = answer(new Map(), "/")!;
    expect(page.children.map((c) => c.path)).toEqual(["/etc", "/opt", "/srv", "/var"]);
    expect(page.folder).toMatchObject({ path: "/", totalEntries: entries.length, selectedEntries: entries.length - 1, state: "mixed" });
    const srv = page.children.find((c) => c.path === "/srv")!;
    // /srv is itself a changed directory: it counts in its own folder and carries its entry.
    expect(srv).toMatchObject({ isFolder: true, childCount: 2, totalEntries: 33, totalBytes: 410, state: "true" });
    expect(srv.entry?.type).toBe("dir");
    expect(page.children.find((c) => c.path === "/etc")!.entry).toBeNull();
  });

  it("pages through a large folder, folders first", () => {
    const first = answer(new Map(), "/srv/data", { offset: 0, limit: 10 })!;
    expect(first.total).toBe(31);
    expect(first.children.map((c) => c.name)).toEqual(["sub", ...Array.from({ length: 9 }, (_, i) => `f0${i}.txt`)]);
    const last = answer(new Map(), "/srv/data", { offset: 30, limit: 10 })!;
    expect(last.children.map((c) => c.name)).toEqual(["f29.txt"]);
    expect(answer(new Map(), "/srv/data", { offset: 40, limit: 10 })!.children).toEqual([]);
  });

  it("gives check states and counts under the overrides, with the override that decides", () => {
    const overrides = applyToggle(new Map(), "/srv/data", false);
    const root = answer(overrides, "/")!;
    const srv = root.children.find((c) => c.path === "/srv")!;
    expect(srv).toMatchObject({ state: "mixed", selectedEntries: 2, selectedBytes: 10 });
    const data = answer(overrides, "/srv")!.children.find((c) => c.path === "/srv/data")!;
    expect(data).toMatchObject({ state: "false", selectedEntries: 0, override: { path: "/srv/data", selected: false } });
    const file = answer(overrides, "/srv/data", { offset: 1, limit: 1 })!.children[0]!;
    expect(file.entry).toMatchObject({ selected: false, decidedBy: { reason: "unticked by hand (folder /srv/data)" } });
    const ticked = applyToggle(overrides, "/", true);
    expect(answer(ticked, "/")!.folder).toMatchObject({ state: "true", selectedEntries: entries.length });
  });

  it("answers only matching children and folders holding matches, with match counts", () => {
    const byCategory = answer(new Map(), "/", undefined, { categories: new Set(["log"]) })!;
    expect(byCategory.children.map((c) => [c.path, c.matchingEntries])).toEqual([["/var", 1]]);
    const bySearch = answer(new Map(), "/srv/data", undefined, { search: "F1" })!;
    expect(bySearch.total).toBe(10);
    expect(bySearch.folder.matchingEntries).toBe(10);
    // Counts stay those of the whole folder: ticking it ticks everything below, filtered or not.
    expect(bySearch.folder.totalEntries).toBe(31);
    const byLayer = answer(new Map(), "/", undefined, { imageLayers: new Set([3]) })!;
    expect(byLayer.children.map((c) => c.path)).toEqual(["/opt"]);
    const byKind = answer(new Map(), "/srv", undefined, { kinds: new Set(["modified"]) })!;
    expect(byKind.children.map((c) => c.path)).toEqual(["/srv/readme"]);
  });

  it("answers null for a path that is not a folder", () => {
    expect(answer(new Map(), "/nowhere")).toBeNull();
    expect(answer(new Map(), "/srv/readme")).toBeNull();
    expect(answer(new Map(), "/srv/")!.folder.path).toBe("/srv");
  });
});

describe("summarizeChanges", () => {
  it("gives totals under the stored overrides, and the entries only when asked and few enough", () => {
    const tree = buildTree(entries);
    const overrides = applyToggle(new Map(), "/srv", false);
    const selection = computeSelection(tree, overrides);
    const detection = {
      entries,
      overrides: [],
      totals: { entries: 0, selectedEntries: 0, bytes: 0, selectedBytes: 0 },
    } as unknown as DetectedChanges;
    const base = { detection, tree, selection, overrides, imageLayers: imageLayersOf(entries), detectedAt: "2026-01-01T00:00:00.000Z" };
    const summary = summarizeChanges(base);
    expect(summary.totals).toEqual({ entries: 36, bytes: 432, selectedEntries: 2, selectedBytes: 15 });
    expect(summary.overrides).toEqual([{ path: "/srv", selected: false }]);
    expect(summary.imageLayers).toEqual([{ index: 3, step: "COPY tool /opt/tool", entries: 1 }]);
    expect(summary.entries).toBeUndefined();
    expect(summarizeChanges({ ...base, includeEntriesUpTo: 10 }).entries).toBeUndefined();
    const full = summarizeChanges({ ...base, includeEntriesUpTo: 100 }).entries!;
    expect(full).toHaveLength(36);
    expect(full.find((e) => e.path === "/srv/readme")).toMatchObject({
      selected: false,
      decidedBy: { reason: "unticked by hand (folder /srv)" },
    });
  });
});
