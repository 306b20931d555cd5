import { describe, expect, it } from "vitest";
import type { Category, ChangeKind, ChangeSource } from "@/lib/changes/classify/types";
import {
  allFolderPaths,
  applyToggle,
  buildTree,
  checkState,
  computeSelection,
  defaultExpanded,
  effectiveSelected,
  findNodes,
  foldersToReveal,
  imageLayersOf,
  sourceText,
  nearestOverride,
  visibleRows,
  type ChangeTreeModel,
  type TreeEntry,
} from "./tree-model";

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

const node = (tree: ChangeTreeModel, path: string) => {
  const n = findNodes(tree, path)[0];
  if (n === undefined) throw new Error(`no node ${path}`);
  return n;
};
const rowPaths = (tree: ChangeTreeModel, rows: number[]) => rows.map((n) => tree.path[n]);

describe("buildTree", () => {
  it("synthesises intermediate folders and sorts folders first", () => {
    const tree = buildTree([
      entry("/srv/data/b.txt"),
      entry("/srv/data/sub/c.txt"),
      entry("/srv/a.txt"),
      entry("/etc/app.conf", { category: "config" }),
    ]);
    expect([...tree.path].sort()).toEqual([
      "/",
      "/etc",
      "/etc/app.conf",
      "/srv",
      "/srv/a.txt",
      "/srv/data",
      "/srv/data/b.txt",
      "/srv/data/sub",
      "/srv/data/sub/c.txt",
    ]);
    expect(tree.entry[node(tree, "/srv/data")]).toBe(-1);
    expect(tree.isFolder[node(tree, "/srv/data")]).toBe(1);
    expect(tree.depth[node(tree, "/srv")]).toBe(1);
    expect(tree.depth[node(tree, "/srv/data/sub/c.txt")]).toBe(4);
    expect(rowPaths(tree, visibleRows(tree, "all").rows)).toEqual([
      "/etc",
      "/etc/app.conf",
      "/srv",
      "/srv/data",
      "/srv/data/sub",
      "/srv/data/sub/c.txt",
      "/srv/data/b.txt",
      "/srv/a.txt",
    ]);
    expect(tree.totalEntries[node(tree, "/srv")]).toBe(3);
    expect(tree.totalBytes[0]).toBe(40);
  });

  it("attaches directory entries to their folder node, whatever the order", () => {
    const tree = buildTree([
      entry("/srv/data/x"),
      entry("/srv/data/", { type: "dir", size: 0 }),
      entry("/var/empty", { type: "dir", size: 0 }),
    ]);
    const data = node(tree, "/srv/data");
    expect(tree.entry[data]).toBe(1);
    expect(tree.totalEntries[data]).toBe(2);
    // A directory entry with nothing below is still a folder, just without children.
    expect(tree.isFolder[node(tree, "/var/empty")]).toBe(1);
    expect(tree.children[node(tree, "/var/empty")]).toBeUndefined();
  });

  it("keeps a path reported twice as two rows that share overrides", () => {
    const tree = buildTree([entry("/srv/x", { source: "layer" }), entry("/srv/x", { source: "volume", defaultSelected: false })]);
    expect(visibleRows(tree, "all").rows).toHaveLength(3);
    expect(findNodes(tree, "/srv/x")).toHaveLength(2);
    const sel = computeSelection(tree, new Map([["/srv/x", true]]));
    expect(sel.selectedCount).toBe(2);
  });

  it("expands everything for small trees and only top-level folders for large ones", () => {
    const small = buildTree([entry("/a/b/c"), entry("/d/e")]);
    expect([...defaultExpanded(small)].sort()).toEqual(["/a", "/a/b", "/d"]);
    const big = buildTree(Array.from({ length: 250 }, (_, i) => entry(`/a/b/f${i}`)));
    expect([...defaultExpanded(big)]).toEqual(["/a"]);
    expect([...allFolderPaths(big)].sort()).toEqual(["/a", "/a/b"]);
  });
});

describe("selection", () => {
  const entries = [
    entry("/srv/data/keep.txt", { size: 100 }),
    entry("/srv/data/tmp/cache.bin", { size: 1000, defaultSelected: false, category: "runtime" }),
    entry("/srv/data/tmp/important.db", { size: 50 }),
    entry("/srv/logs/app.log", { size: 5, defaultSelected: false, category: "log" }),
  ];
  const tree = buildTree(entries);

  it("uses defaultSelected without overrides and counts per folder", () => {
    const sel = computeSelection(tree, new Map());
    expect([...sel.entrySelected]).toEqual([1, 0, 1, 0]);
    expect(sel.selectedCount).toBe(2);
    expect(sel.selectedSize).toBe(150);
    expect(sel.totalCount).toBe(4);
    expect(sel.totalSize).toBe(1155);
    expect(sel.selectedEntries[node(tree, "/srv/data/tmp")]).toBe(1);
    expect(sel.selectedBytes[node(tree, "/srv/data/tmp")]).toBe(50);
  });

  it("applies the nearest override, deeper ones winning", () => {
    const overrides = new Map([
      ["/srv", false],
      ["/srv/data/tmp", true],
    ]);
    const sel = computeSelection(tree, overrides);
    expect([...sel.entrySelected]).toEqual([0, 1, 1, 0]);
    expect(sel.overrideNode[node(tree, "/srv/data/keep.txt")]).toBe(node(tree, "/srv"));
    expect(sel.overrideNode[node(tree, "/srv/data/tmp/cache.bin")]).toBe(node(tree, "/srv/data/tmp"));
    expect(effectiveSelected(overrides, "/srv/data/keep.txt", true)).toBe(false);
    expect(effectiveSelected(overrides, "/srv/data/tmp/cache.bin", false)).toBe(true);
    expect(effectiveSelected(overrides, "/etc/other", true)).toBe(true);
    expect(nearestOverride(overrides, "/srv/data/tmp/x")).toEqual({ path: "/srv/data/tmp", selected: true });
    expect(nearestOverride(overrides, "/srvx")).toBeNull();
  });

  it("an override on a file applies to that file only", () => {
    const sel = computeSelection(tree, new Map([["/srv/logs/app.log", true]]));
    expect([...sel.entrySelected]).toEqual([1, 0, 1, 1]);
  });

  it("reports tri-state per folder", () => {
    const sel = computeSelection(tree, new Map());
    expect(checkState(tree, sel, node(tree, "/srv"))).toBe("mixed");
    expect(checkState(tree, sel, node(tree, "/srv/data/tmp"))).toBe("mixed");
    expect(checkState(tree, sel, node(tree, "/srv/logs"))).toBe("false");
    expect(checkState(tree, sel, node(tree, "/srv/data/keep.txt"))).toBe("true");
    const all = computeSelection(tree, new Map([["/srv/data", true]]));
    expect(checkState(tree, all, node(tree, "/srv/data"))).toBe("true");
    expect(checkState(tree, all, node(tree, "/srv"))).toBe("mixed");
  });
});

describe("applyToggle", () => {
  it("sets the override and clears every override strictly below, leaving siblings and ancestors", () => {
    const before = new Map([
      ["/srv", false],
      ["/srv/data/tmp", true],
      ["/srv/data/tmp/x", false],
      ["/srv/database", true],
      ["/srv/logs", true],
    ]);
    const next = applyToggle(before, "/srv/data", true);
    expect(next).not.toBe(before);
    expect([...next.entries()].sort()).toEqual([
      ["/srv", false],
      ["/srv/data", true],
      ["/srv/database", true],
      ["/srv/logs", true],
    ]);
    expect(before.size).toBe(5);
  });

  it("makes the whole subtree follow, so an indeterminate folder becomes fully selected", () => {
    const tree = buildTree([entry("/a/x", { defaultSelected: false }), entry("/a/b/y"), entry("/a/b/z", { defaultSelected: false })]);
    let overrides = new Map([["/a/b/y", false]]);
    overrides = applyToggle(overrides, "/a", true);
    const sel = computeSelection(tree, overrides);
    expect(checkState(tree, sel, node(tree, "/a"))).toBe("true");
    expect(sel.selectedCount).toBe(3);
    const off = computeSelection(tree, applyToggle(overrides, "/a/b", false));
    expect([...off.entrySelected]).toEqual([1, 0, 0]);
  });

  it("clears everything when toggling the root", () => {
    expect([...applyToggle(new Map([["/a", true]]), "/", false)]).toEqual([["/", false]]);
  });
});

describe("filters", () => {
  const tree = buildTree([
    entry("/etc/nginx/nginx.conf", { category: "config", kind: "modified" }),
    entry("/etc/shadow", { category: "secret-candidate", kind: "modified" }),
    entry("/srv/Data/Report.PDF", { category: "user-data", source: "volume" }),
    entry("/srv/data2/old.txt", { category: "user-data", source: "bind", kind: "deleted" }),
    entry("/var/log/app.log", { category: "log" }),
  ]);
  const rows = (filter: Parameters<typeof visibleRows>[2], expanded: Set<string> | "all" = "all") =>
    rowPaths(tree, visibleRows(tree, expanded, filter).rows);

  it("shows everything without a filter, and empty sets do not restrict", () => {
    expect(rows({})).toHaveLength(12);
    expect(rows({ categories: new Set(), search: "  " })).toHaveLength(12);
  });

  it("filters by category, keeping ancestor folders", () => {
    const cats: Set<Category> = new Set(["secret-candidate", "log"]);
    expect(rows({ categories: cats })).toEqual(["/etc", "/etc/shadow", "/var", "/var/log", "/var/log/app.log"]);
    expect(visibleRows(tree, "all", { categories: cats }).matchingEntries).toBe(2);
  });

  it("filters by source and kind together", () => {
    const sources: Set<ChangeSource> = new Set(["volume", "bind"]);
    const kinds: Set<ChangeKind> = new Set(["deleted"]);
    expect(rows({ sources, kinds })).toEqual(["/srv", "/srv/data2", "/srv/data2/old.txt"]);
  });

  it("searches case-insensitively in the whole path", () => {
    expect(rows({ search: "data/report" })).toEqual(["/srv", "/srv/Data", "/srv/Data/Report.PDF"]);
    expect(rows({ search: "NGINX" })).toEqual(["/etc", "/etc/nginx", "/etc/nginx/nginx.conf"]);
    expect(rows({ search: "nothing-like-this" })).toEqual([]);
  });

  it("respects collapsed folders and reveals matches on request", () => {
    expect(rows({ search: "report" }, new Set())).toEqual(["/srv"]);
    expect(rows({}, new Set(["/srv"]))).toEqual(["/etc", "/srv", "/srv/Data", "/srv/data2", "/var"]);
    expect([...foldersToReveal(tree, { search: "report" })].sort()).toEqual(["/srv", "/srv/Data"]);
    expect(foldersToReveal(tree, {}).size).toBe(0);
  });
});

describe("performance sanity (100k entries)", () => {
  it("builds and recomputes quickly", () => {
    const categories: Category[] = ["user-data", "config", "log", "runtime"];
    const entries: TreeEntry[] = [];
    for (const top of ["/srv", "/var"]) {
      for (let i = 0; i < 50_000; i++) {
        entries.push(entry(`${top}/dir${i % 100}/file-${i}.dat`, { size: i, category: categories[i % 4]!, defaultSelected: i % 3 !== 0 }));
      }
    }

    let t = performance.now();
    const tree = buildTree(entries);
    const buildMs = performance.now() - t;

    t = performance.now();
    const first = computeSelection(tree, new Map());
    const initialMs = performance.now() - t;

    t = performance.now();
    const overrides = applyToggle(new Map([["/srv/dir3", false]]), "/srv", true);
    const after = computeSelection(tree, overrides);
    const toggleMs = performance.now() - t;

    t = performance.now();
    const { rows } = visibleRows(tree, "all", { search: "file-4" });
    const filterMs = performance.now() - t;

    console.log(
      `100k entries: build ${buildMs.toFixed(1)} ms, first selection ${initialMs.toFixed(1)} ms, toggle+recompute ${toggleMs.toFixed(1)} ms, search+rows ${filterMs.toFixed(1)} ms`,
    );
    expect(tree.totalEntries[0]).toBe(100_000);
    expect(first.selectedCount).toBe(100_000 - Math.ceil(50_000 / 3) * 2);
    expect(checkState(tree, after, node(tree, "/srv"))).toBe("true");
    expect(rows.length).toBeGreaterThan(0);
    expect(buildMs).toBeLessThan(3000);
    expect(toggleMs).toBeLessThan(600);
  });
});

describe("image layers in the tree", () => {
  const step = "COPY file:abc in /opt/app/";
  const entries = [
    entry("/opt/app/app.py", { source: "image", imageLayer: { index: 4, diffId: "sha256:4", step } }),
    entry("/etc/nginx/nginx.conf", { source: "image", imageLayer: { index: 2, diffId: "sha256:2", step: "RUN sed -i x" } }),
    entry("/etc/nginx/conf.d/site.conf", { source: "image", imageLayer: { index: 2, diffId: "sha256:2", step: "RUN sed -i x" } }),
    entry("/var/www/html/page2.html"),
  ];

  it("lists the layers the entries come from, with their steps, and filters by layer", () => {
    expect(imageLayersOf(entries)).toEqual([
      { index: 2, step: "RUN sed -i x", entries: 2 },
      { index: 4, step, entries: 1 },
    ]);
    const tree = buildTree(entries);
    const { matchingEntries } = visibleRows(tree, "all", { imageLayers: new Set([4]) });
    expect(matchingEntries).toBe(1);
    expect(visibleRows(tree, "all", { sources: new Set(["layer"]) }).matchingEntries).toBe(1);
  });

  it("says where an entry came from", () => {
    expect(sourceText(entries[0]!)).toBe(`image layer 4: ${step}`);
    expect(sourceText(entries[3]!)).toBe("container (writable layer)");
  });
});
