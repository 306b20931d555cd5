import { describe, expect, it } from "vitest";
import { mergeImageLayers, type LayerHeaderFacts } from "./merge-image-layers";

const layer = (index: number, headers: LayerHeaderFacts[]) => ({ index, headers: new Map(headers.map((h) => [h.path, h])) });
const file = (path: string): LayerHeaderFacts => ({ path, type: "file" });
const dir = (path: string): LayerHeaderFacts => ({ path, type: "dir" });
const whiteout = (path: string): LayerHeaderFacts => ({ path, type: "other", whiteout: true });

describe("mergeImageLayers", () => {
  const base = layer(0, [dir("/etc"), file("/etc/os-release"), dir("/usr"), dir("/usr/share"), file("/usr/share/a"), dir("/srv")]);

  it("lists the topmost version of each path above the base, added or modified, never the base's own", () => {
    const merged = mergeImageLayers(
      [
        base,
        layer(1, [dir("/etc"), file("/etc/nginx.conf"), dir("/opt"), file("/opt/app.py")]),
        layer(2, [dir("/etc"), file("/etc/nginx.conf")]),
      ],
      1,
    );
    expect(merged.paths.map(({ path, index, kind }) => [path, index, kind]).sort()).toEqual([
      ["/etc", 2, "modified"],
      ["/etc/nginx.conf", 2, "modified"],
      ["/opt", 1, "added"],
      ["/opt/app.py", 1, "added"],
    ]);
    expect(merged.deletions).toEqual([]);
  });

  it("records deletions (overlay2 0/0 devices and tar .wh. files) of what a lower layer had, and hides what is below them", () => {
    const merged = mergeImageLayers(
      [
        base,
        layer(1, [dir("/srv"), file("/srv/x"), dir("/srv/tree"), file("/srv/tree/y")]),
        layer(2, [whiteout("/usr/share/a"), file("/srv/.wh.tree"), whiteout("/nope")]),
      ],
      1,
    );
    expect(merged.deletions.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "/srv/tree", index: 2 },
      { path: "/usr/share/a", index: 2 },
    ]);
    expect(merged.paths.map((entry) => entry.path).sort()).toEqual(["/srv", "/srv/x"]);
  });

  it("an opaque folder hides what lower layers had below it, not what its own layer holds", () => {
    const merged = mergeImageLayers(
      [layer(0, []), layer(1, [dir("/data"), file("/data/old")]), layer(2, [dir("/data"), file("/data/.wh..wh..opq"), file("/data/new")])],
      1,
    );
    expect(merged.paths.map((entry) => entry.path).sort()).toEqual(["/data", "/data/new"]);
  });
});
