// The image's own filesystem above its base, as the container sees it: each path's topmost version
// among the image's layers (a higher layer hides a lower one), with overlay's deletion marks applied.
// Pure: takes each layer's listing, returns which paths the layers above the base made or deleted.

export type LayerListing<H> = {
  index: number;
  /** Every path in the layer folder (or tar), with its header. */
  headers: ReadonlyMap<string, H>;
};

export type LayerHeaderFacts = { path: string; type: "file" | "dir" | "symlink" | "other"; whiteout?: boolean };

export type MergedImagePath<H> = { path: string; index: number; header: H; kind: "added" | "modified" };
export type ImageDeletion = { path: string; index: number };

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARK = ".wh..wh..opq";

function parentOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash <= 0 ? "/" : file.slice(0, slash);
}

/** What a layer entry means: a path (present or deleted), or "everything below this folder in lower layers is hidden". */
function meaningOf(header: LayerHeaderFacts): { path: string; deleted: boolean } | { opaque: string } {
  const slash = header.path.lastIndexOf("/");
  const name = header.path.slice(slash + 1);
  // Tar layers (image exports) mark deletions with files named .wh.<name> and opaque folders with .wh..wh..opq.
  if (name === OPAQUE_MARK) return { opaque: parentOf(header.path) };
  if (name.startsWith(WHITEOUT_PREFIX))
    return { path: `${header.path.slice(0, slash)}/${name.slice(WHITEOUT_PREFIX.length)}`, deleted: true };
  // overlay2 folders mark them with a character device 0/0 of the same name.
  return { path: header.path, deleted: header.whiteout === true };
}

function hiddenBelow(file: string, blocked: ReadonlySet<string>): boolean {
  if (!blocked.size) return false;
  for (let current = parentOf(file); ; current = parentOf(current)) {
    if (blocked.has(current)) return true;
    if (current === "/") return false;
  }
}

/**
 * Paths whose topmost version comes from a layer at or above `baseCount` (the layers of the image's base are below it),
 * and the paths such a layer deleted that a lower layer had. `layers` in any order; indexes count from the lowest (0).
 */
export function mergeImageLayers<H extends LayerHeaderFacts>(
  layers: readonly LayerListing<H>[],
  baseCount: number,
): { paths: MergedImagePath<H>[]; deletions: ImageDeletion[] } {
  const topFirst = [...layers].sort((a, b) => b.index - a.index);
  const winners = new Map<string, { index: number; header: H; deleted: boolean }>();
  // Paths under which lower layers are hidden: a deleted path, a non-folder, an opaque folder's contents.
  const blocked = new Set<string>();
  for (const layer of topFirst) {
    const blocksAfter: string[] = [];
    for (const header of layer.headers.values()) {
      const meaning = meaningOf(header);
      if ("opaque" in meaning) {
        blocksAfter.push(meaning.opaque);
        continue;
      }
      if (winners.has(meaning.path) || hiddenBelow(meaning.path, blocked)) continue;
      winners.set(meaning.path, { index: layer.index, header, deleted: meaning.deleted });
      if (meaning.deleted || header.type !== "dir") blocksAfter.push(meaning.path);
    }
    for (const file of blocksAfter) blocked.add(file);
  }
  const presentBelow = (file: string, index: number) =>
    layers.some((layer) => {
      if (layer.index >= index) return false;
      const header = layer.headers.get(file);
      return header !== undefined && !header.whiteout;
    });
  const paths: MergedImagePath<H>[] = [];
  const deletions: ImageDeletion[] = [];
  for (const [file, winner] of winners) {
    if (winner.index < baseCount) continue;
    const below = presentBelow(file, winner.index);
    if (winner.deleted) {
      if (below) deletions.push({ path: file, index: winner.index });
    } else paths.push({ path: file, index: winner.index, header: winner.header, kind: below ? "modified" : "added" });
  }
  return { paths, deletions };
}
