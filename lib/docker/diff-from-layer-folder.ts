import { execFile } from "node:child_process";
import { existsSync, lstatSync, readdirSync, type BigIntStats } from "node:fs";
import path from "node:path";
import type { DiffEntry } from "./read-diff";
import type { ArchiveHeader } from "./walk-archive";

// `docker diff` makes Kura wait for the engine to compare the whole writable layer with the layers
// below it (about 25-40 s for 1,000,000 paths here), although Kura has just listed that layer
// itself. The same answer comes from the listing: a path is "modified" when the layers below hold
// it, "added" when they do not, "deleted" when the layer holds overlay's whiteout (a character
// device 0/0) for it; and a folder the container replaced whole (`rm -rf /x && mkdir /x`) is
// marked opaque by overlay, which hides what the layers below held in it: those paths are deleted.
//
// The paths below are the engine's own folders (the layers under the container), not the
// container's: lstat never follows a link. Opaque folders are told by an extended attribute Node
// cannot read; `getfattr` (Debian's attr package) reads it. Without it, the caller asks the engine.

export type LayerFolderDiff = { entries: DiffEntry[]; lstats: number };

/** `relative` (e.g. "/etc/apt") as the layers below show it: the first layer holding it decides; null when they do not. */
function inLowerView(lowerDirs: readonly string[], relative: string, counter: { lstats: number }): BigIntStats | null {
  for (const lower of lowerDirs) {
    counter.lstats++;
    let stats: BigIntStats;
    try {
      stats = lstatSync(lower + relative, { bigint: true });
    } catch {
      continue; // not in this layer
    }
    // A whiteout in a lower layer: deleted there, so not in the view.
    return stats.isCharacterDevice() && stats.rdev === 0n ? null : stats;
  }
  return null;
}

/**
 * Whether a path the writable layer holds differs from the layers' below, as the engine's diff decides it (moby's
 * statDifferent): type and mode, owner, device, and for all but folders the size and the modification time (equal
 * seconds, and equal nanoseconds unless one side has none). A file copied up unchanged (opened for writing, not written)
 * is no change.
 */
function statDifferent(before: BigIntStats, now: BigIntStats): boolean {
  if (before.mode !== now.mode || before.uid !== now.uid || before.gid !== now.gid || before.rdev !== now.rdev) return true;
  if (now.isDirectory()) return false;
  if (before.size !== now.size) return true;
  const seconds = (stats: BigIntStats) => stats.mtimeNs / 1_000_000_000n;
  const nanos = (stats: BigIntStats) => stats.mtimeNs % 1_000_000_000n;
  if (seconds(before) !== seconds(now)) return true;
  return nanos(before) !== nanos(now) && nanos(before) !== 0n && nanos(now) !== 0n;
}

/** The names the layers below show in a folder (whiteouts removed), top layer first. */
function lowerChildren(lowerDirs: readonly string[], relative: string): Set<string> {
  const shown = new Set<string>();
  const hidden = new Set<string>();
  for (const lower of lowerDirs) {
    let names: string[];
    try {
      names = readdirSync(lower + relative);
    } catch {
      continue;
    }
    for (const name of names) {
      if (shown.has(name) || hidden.has(name)) continue;
      try {
        const stats = lstatSync(`${lower}${relative}/${name}`);
        if (stats.isCharacterDevice() && stats.rdev === 0) hidden.add(name);
        else shown.add(name);
      } catch {
        // gone meanwhile
      }
    }
  }
  return shown;
}

const GETFATTR = "/usr/bin/getfattr";
const BATCH = 200;

/** Whether opaque folders can be told here (else the engine's diff is the answer). */
export function canReadOpaqueFolders(): boolean {
  return existsSync(GETFATTR);
}

/**
 * Which of these host folders overlay marked opaque; null when that cannot be known (no getfattr). The folders are the
 * engine's layer folders; `-h` reads the attribute of a link itself, never of what it points to.
 */
export async function readOpaqueFolders(folders: readonly string[]): Promise<Set<string> | null> {
  const opaque = new Set<string>();
  for (let start = 0; start < folders.length; start += BATCH) {
    const batch = folders.slice(start, start + BATCH);
    const output = await new Promise<string | null>((resolve) => {
      execFile(
        GETFATTR,
        ["-h", "--absolute-names", "-n", "trusted.overlay.opaque", "--", ...batch],
        { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
        // getfattr exits 1 when a folder has no such attribute (most have none): its output still lists those that do.
        (error, stdout) => resolve(error && (error as NodeJS.ErrnoException).code === "ENOENT" ? null : String(stdout)),
      );
    });
    if (output === null) return null;
    let file: string | null = null;
    for (const line of output.split("\n")) {
      if (line.startsWith("# file: ")) file = line.slice("# file: ".length);
      else if (file && line === 'trusted.overlay.opaque="y"') opaque.add(file);
    }
  }
  return opaque;
}

/**
 * The writable layer's changes as `docker diff` gives them, from its folder's listing (`upper`: container path -> header,
 * as walkLayerDirectory reads it) and the folders of the layers below (top first). Null when opaque folders cannot be
 * told (then ask the engine).
 */
export async function diffFromLayerFolder(
  upperDir: string,
  upper: ReadonlyMap<string, ArchiveHeader>,
  lowerDirs: readonly string[],
): Promise<LayerFolderDiff | null> {
  const counter = { lstats: 0 };
  // A path below a folder the layers below lack is added unasked. The walk lists a folder before what it holds, so no
  // sort is needed (a million paths took a second to sort); in another order the answer is the same, only slower.
  const paths = upper.keys();
  const inLower = new Map<string, boolean>();
  const changed: DiffEntry[] = [];
  /** Folders the layers below hold too: changed only when their own stat differs or something below them changed. */
  const sharedFolders = new Map<string, boolean>();
  for (const file of paths) {
    const header = upper.get(file)!;
    const slash = file.lastIndexOf("/");
    const parent = slash > 0 ? file.slice(0, slash) : "/";
    const before = parent !== "/" && inLower.get(parent) === false ? null : inLowerView(lowerDirs, file, counter);
    if (header.type === "dir") inLower.set(file, before !== null);
    if (header.whiteout) {
      if (before) changed.push({ path: file, kind: "deleted" });
      continue;
    }
    if (!before) {
      changed.push({ path: file, kind: "added" });
      continue;
    }
    let now: BigIntStats;
    try {
      now = lstatSync(upperDir + file, { bigint: true });
    } catch {
      continue; // gone since the listing
    }
    if (header.type === "dir") sharedFolders.set(file, statDifferent(before, now));
    else if (statDifferent(before, now)) changed.push({ path: file, kind: "modified" });
  }
  const candidates = [...sharedFolders.keys()];
  if (candidates.length) {
    const opaque = await readOpaqueFolders(candidates.map((folder) => upperDir + folder));
    if (!opaque) return null;
    for (const folder of candidates) {
      if (!opaque.has(upperDir + folder)) continue;
      for (const name of lowerChildren(lowerDirs, folder)) {
        const child = `${folder}/${name}`;
        if (!upper.has(child)) changed.push({ path: child, kind: "deleted" });
      }
    }
  }
  // A shared folder counts as modified when anything below it changed (the engine says so too), itself included.
  const reached = new Set<string>();
  const markAncestors = (file: string) => {
    for (let folder = path.posix.dirname(file); folder !== "/" && !reached.has(folder); folder = path.posix.dirname(folder)) {
      reached.add(folder);
      if (sharedFolders.has(folder)) sharedFolders.set(folder, true);
    }
  };
  for (const entry of changed) markAncestors(entry.path);
  for (const [folder, isChanged] of [...sharedFolders]) if (isChanged) markAncestors(folder);
  const entries = changed;
  for (const [folder, isChanged] of sharedFolders) if (isChanged) entries.push({ path: folder, kind: "modified" });
  return { entries, lstats: counter.lstats };
}
