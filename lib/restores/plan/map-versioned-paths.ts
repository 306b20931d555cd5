// Versioned paths follow their package (issue 14): a kept file under a path that carries its package's
// version (/etc/php/7.4/apache2/php.ini, /usr/lib/python3.9/...) is restored at the successor's path
// (/etc/php/8.4/...) when the successor package, installed in the packages stage, owns that path. The
// version is found from the package names (php7.4-common -> php8.4-common: "7.4" -> "8.4"), never from a
// list of families, and a mapping is made only with evidence: the successor's own file list (dpkg's .list)
// holds the mapped path. References to mapped paths inside kept text files (an Include, a data folder)
// follow the same mappings, line by line. Pure: plain data in, plain data out.

import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import { findVersionedSuccessor, type VersionedSuccessor } from "@/lib/restores/plan/package-renames";
import type { RestoreWarning } from "@/lib/restores/plan/types";

export type PathMapping = {
  /** The archived path (a folder or a file) and where its content goes: every kept entry under it follows. */
  from: string;
  to: string;
  /** The archived package whose version the path carries, and its successor in the new packages. */
  fromPackage: string;
  toPackage: string;
  fromVersion: string;
  toVersion: string;
  /** Why, as a sentence: which successor owns which path. */
  evidence: string;
  /** Kept entries it moves (0 for a package's file that kept links point to: they are re-pointed). */
  entries: number;
};

export type ChangedLine = { line: number; before: string; after: string };
/** A kept text file whose references to mapped paths were rewritten; `path` is where it is restored. */
export type ContentRewrite = { path: string; lines: ChangedLine[] };

export type MapVersionedPathsInput = {
  manifest: Manifest;
  stage: Pick<PackageStageFacts, "packages">;
  /** Kept text files by their archived path (the caller reads those that may hold a mapped path). */
  texts?: Readonly<Record<string, string>>;
};

export type VersionedPathsPlan = {
  mappings: PathMapping[];
  /** The manifest with the mapped entries at their new paths (links re-pointed); unchanged when nothing maps. */
  manifest: Manifest;
  rewrites: ContentRewrite[];
  /** The rewritten texts, by the path they are restored at (they replace the archived content in the payload). */
  payloadContent: { path: string; content: string }[];
  warnings: RestoreWarning[];
};

// Absolute POSIX paths, by hand (a pure core imports no node module).
const dirname = (file: string) => file.slice(0, Math.max(file.lastIndexOf("/"), 0)) || "/";
const basename = (file: string) => file.slice(file.lastIndexOf("/") + 1);
/** "/a/b/../c/./d" -> "/a/c/d" (".." at the root stays at the root). */
function normalize(file: string): string {
  const parts: string[] = [];
  for (const part of file.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
const join = (folder: string, relative: string) => normalize(`${folder}/${relative}`);
/** The relative path from folder `from` to `to` (both absolute and normalized). */
function relative(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common += 1;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

type Pair = VersionedSuccessor & { owned: ReadonlySet<string>; parents: ReadonlySet<string>; conffiles: ReadonlySet<string> };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The version inside a path segment, not part of a longer version (7.4 in "php7.4.conf", not in "17.4" or "7.4.1"). */
const versionIn = (version: string) => new RegExp(`(?<![\\d.])(?<!\\d\\.)${escapeRegExp(version)}(?!\\.?\\d)`);

function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);
}

/** Every successor pair of an archived versioned package, with the successor's owned paths. */
function findPairs(manifest: Manifest, stage: Pick<PackageStageFacts, "packages">): Pair[] {
  const names = new Set(Object.keys(stage.packages));
  const pairs: Pair[] = [];
  for (const archived of manifest.packages) {
    const successor = findVersionedSuccessor(archived.name, names);
    const facts = successor ? stage.packages[successor.to] : undefined;
    if (!successor || !facts) continue;
    const owned = new Set(facts.files.map((file) => (file === "/." ? "/" : file)));
    const parents = new Set([...owned].map((file) => dirname(file)));
    pairs.push({ ...successor, owned, parents, conffiles: new Set(facts.conffiles.map((conffile) => conffile.path)) });
  }
  return pairs;
}

/**
 * The mapping an archived path's own version asks for: the path up to the first segment holding an archived
 * package's version, that segment with the successor's version instead, when the successor owns the result.
 * A path the successor owns as a plain file (no children, not a conffile: a library, a program) is not mapped
 * onto: the archived copy would replace the new package's own file.
 */
function mappingFor(entryPath: string, pairs: readonly Pair[], isFile: boolean): { from: string; to: string; pair: Pair } | null {
  const segments = entryPath.split("/");
  for (let index = 1; index < segments.length; index += 1) {
    const segment = segments[index] ?? "";
    for (const pair of pairs) {
      const pattern = versionIn(pair.fromVersion);
      if (!pattern.test(segment)) continue;
      const from = segments.slice(0, index + 1).join("/");
      const to = [...segments.slice(0, index), segment.replace(pattern, pair.toVersion)].join("/");
      if (!pair.owned.has(to)) continue;
      const wholePath = index === segments.length - 1;
      if (wholePath && isFile && !pair.parents.has(to) && !pair.conffiles.has(to)) continue;
      return { from, to, pair };
    }
  }
  return null;
}

/** A link's target as an absolute path (relative targets resolved from the link's folder). */
function resolveLink(linkPath: string, target: string): string {
  return target.startsWith("/") ? normalize(target) : join(dirname(linkPath), target);
}

/** The first of the mappings (sorted longest first) that covers a path. */
const coveringMapping = <T extends Pick<PathMapping, "from">>(entryPath: string, mappings: readonly T[]) =>
  mappings.find((mapping) => isUnder(entryPath, mapping.from));

function applyMappings(entryPath: string, mappings: readonly Pick<PathMapping, "from" | "to">[]): string {
  const mapping = coveringMapping(entryPath, mappings);
  return mapping ? mapping.to + entryPath.slice(mapping.from.length) : entryPath;
}

/** The link's target after the mappings, in its own form (absolute stays absolute, relative stays relative). */
function mapLinkTarget(linkPath: string, newLinkPath: string, target: string, mappings: readonly PathMapping[]): string {
  const resolved = resolveLink(linkPath, target);
  const mapped = applyMappings(resolved, mappings);
  if (mapped === resolved && newLinkPath === linkPath) return target;
  if (target.startsWith("/")) return mapped === resolved ? target : mapped;
  if (mapped === resolved && dirname(newLinkPath) === dirname(linkPath)) return target;
  return relative(dirname(newLinkPath), mapped) || ".";
}

/**
 * References to a mapped path in a text: the path itself, or followed by "/", never a longer name (/etc/php/7.4x).
 * Null when nothing changes. Exported for texts made later in the plan (a merged conffile's result).
 */
export function rewriteReferences(
  text: string,
  mappings: readonly Pick<PathMapping, "from" | "to">[],
): { content: string; lines: ChangedLine[] } | null {
  const patterns = mappings.map((mapping) => ({
    to: mapping.to,
    pattern: new RegExp(`${escapeRegExp(mapping.from)}(?![A-Za-z0-9_.+-])`, "g"),
  }));
  const lines = text.split("\n");
  const changed: ChangedLine[] = [];
  const out = lines.map((line, index) => {
    let after = line;
    // Longest first (the mappings are sorted so), each occurrence once: a rewritten path is not rewritten again.
    const marks: { start: number; end: number; to: string }[] = [];
    for (const { to, pattern } of patterns)
      for (const match of line.matchAll(pattern)) {
        const start = match.index;
        const end = start + match[0].length;
        if (!marks.some((mark) => start < mark.end && end > mark.start)) marks.push({ start, end, to });
      }
    if (marks.length === 0) return line;
    marks.sort((a, b) => b.start - a.start);
    for (const mark of marks) after = after.slice(0, mark.start) + mark.to + after.slice(mark.end);
    changed.push({ line: index + 1, before: line, after });
    return after;
  });
  return changed.length ? { content: out.join("\n"), lines: changed } : null;
}

// An absolute path in a text: its folder part and its last segment (not inside a longer word; "//" of a URL is no path).
const PATH_IN_TEXT = /(?<![A-Za-z0-9_.+/-])(\/(?:[A-Za-z0-9_.+-]+\/)*)([A-Za-z0-9_.+-]+)/g;

/**
 * Paths in a text whose file name is an archived versioned package's own name, bare or with extensions (PHP-FPM's
 * socket /run/php/php7.4-fpm.sock, its log /var/log/php7.4-fpm.log): they are the package's runtime files, so they
 * follow it to its successor's name. Calls `found` for each path changed.
 */
function rewriteNamedPaths(line: string, pairs: readonly Pair[], found: (from: string, to: string, pair: Pair) => void): string {
  return line.replace(PATH_IN_TEXT, (whole: string, folder: string, name: string) => {
    for (const pair of pairs) {
      const rest = name.startsWith(pair.from) ? name.slice(pair.from.length) : null;
      if (rest === null || !/^(\.[A-Za-z0-9]+)*$/.test(rest)) continue;
      const to = `${folder}${pair.to}${rest}`;
      found(whole, to, pair);
      return to;
    }
    return whole;
  });
}

/** Where the kept entries of a restore go on the new base's versioned paths, and the texts that follow them. */
export function mapVersionedPaths(input: MapVersionedPathsInput): VersionedPathsPlan {
  const { manifest } = input;
  const unchanged: VersionedPathsPlan = { mappings: [], manifest, rewrites: [], payloadContent: [], warnings: [] };
  const pairs = findPairs(manifest, input.stage);
  if (pairs.length === 0) return unchanged;

  // 1. Mappings from the paths themselves, then from links whose target maps (mods-enabled/php7.4.load).
  const found = new Map<string, PathMapping>();
  const note = (from: string, to: string, pair: Pair, evidence: string) => {
    if (!found.has(from))
      found.set(from, {
        from,
        to,
        fromPackage: pair.from,
        toPackage: pair.to,
        fromVersion: pair.fromVersion,
        toVersion: pair.toVersion,
        evidence,
        entries: 0,
      });
  };
  for (const entry of manifest.entries) {
    const hit = mappingFor(entry.path, pairs, entry.type === "file");
    if (hit) note(hit.from, hit.to, hit.pair, `${hit.pair.to} (successor of ${hit.pair.from}) owns ${hit.to}`);
  }
  for (const entry of manifest.entries) {
    if (entry.type !== "symlink" || !entry.linkTarget || [...found.keys()].some((from) => isUnder(entry.path, from))) continue;
    const target = resolveLink(entry.path, entry.linkTarget);
    const hit = mappingFor(target, pairs, false);
    if (!hit) continue;
    note(hit.from, hit.to, hit.pair, `${hit.pair.to} (successor of ${hit.pair.from}) owns ${hit.to}`);
    // The link's own name carries the version too (mods-enabled/php7.4.load): it follows its target.
    const pattern = versionIn(hit.pair.fromVersion);
    const name = basename(entry.path);
    if (pattern.test(name)) {
      const to = join(dirname(entry.path), name.replace(pattern, hit.pair.toVersion));
      note(entry.path, to, hit.pair, `its link target ${target} is restored as ${hit.to}, which ${hit.pair.to} owns`);
    }
  }
  if (found.size === 0 && Object.keys(input.texts ?? {}).length === 0) return unchanged;
  // Longest first, so a file mapping wins over its folder's.
  const mappings = [...found.values()].sort((a, b) => b.from.length - a.from.length || (a.from < b.from ? -1 : 1));

  // 2. Every entry under a mapping moves, unless the archive also holds its new path (then both stay as archived).
  const warnings: RestoreWarning[] = [];
  const archivedPaths = new Set(manifest.entries.map((entry) => entry.path));
  const taken = new Set<string>();
  const moved = new Map<string, string>();
  for (const entry of manifest.entries) {
    const to = applyMappings(entry.path, mappings);
    if (to === entry.path) continue;
    if (archivedPaths.has(to) || taken.has(to)) {
      warnings.push({
        kind: "other",
        message: `${entry.path} is not moved to ${to}: the archive holds that path too, so both are restored as archived.`,
      });
      continue;
    }
    taken.add(to);
    moved.set(entry.path, to);
    const mapping = coveringMapping(entry.path, mappings);
    if (mapping) mapping.entries += 1;
  }
  // A link is re-pointed by any mapping, also one no kept entry is under (its target is the new package's file).
  const pointing = new Set<PathMapping>();
  const entries: ManifestEntry[] = manifest.entries.map((entry) => {
    const to = moved.get(entry.path) ?? entry.path;
    let linkTarget = entry.linkTarget;
    if (entry.type === "symlink" && entry.linkTarget) {
      linkTarget = mapLinkTarget(entry.path, to, entry.linkTarget, mappings);
      const target = coveringMapping(resolveLink(entry.path, entry.linkTarget), mappings);
      if (linkTarget !== entry.linkTarget && target) pointing.add(target);
    }
    return to === entry.path && linkTarget === entry.linkTarget ? entry : { ...entry, path: to, linkTarget };
  });
  const used = mappings.filter((mapping) => mapping.entries > 0 || pointing.has(mapping));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.source < b.source ? -1 : 1));

  // 3. References inside kept texts follow the same mappings, and paths named after a versioned package follow its name.
  const rewrites: ContentRewrite[] = [];
  const payloadContent: { path: string; content: string }[] = [];
  const named = new Map<string, PathMapping>();
  const noteNamed = (from: string, to: string, pair: Pair) => {
    if (!named.has(from) && !used.some((mapping) => mapping.from === from))
      named.set(from, {
        from,
        to,
        fromPackage: pair.from,
        toPackage: pair.to,
        fromVersion: pair.fromVersion,
        toVersion: pair.toVersion,
        evidence: `a kept configuration names this path after ${pair.from}; its successor ${pair.to} is installed (a runtime file such as a socket)`,
        entries: 0,
      });
  };
  const keptFiles = new Set(manifest.entries.filter((entry) => entry.type === "file" && entry.sha256).map((entry) => entry.path));
  for (const [archivedPath, text] of Object.entries(input.texts ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!keptFiles.has(archivedPath)) continue;
    const byPrefix = rewriteReferences(text, used)?.content ?? text;
    const before = text.split("\n");
    const after = byPrefix.split("\n").map((line) => rewriteNamedPaths(line, pairs, noteNamed));
    const lines = before.flatMap((line, index) =>
      line === after[index] ? [] : [{ line: index + 1, before: line, after: after[index] ?? "" }],
    );
    if (!lines.length) continue;
    const at = moved.get(archivedPath) ?? archivedPath;
    rewrites.push({ path: at, lines });
    payloadContent.push({ path: at, content: after.join("\n") });
  }
  const all = [...used, ...named.values()];
  if (!all.length) return { ...unchanged, warnings };
  return { mappings: all, manifest: { ...manifest, entries }, rewrites, payloadContent, warnings };
}

/** What a kept text must hold to be worth reading for the rewrite: a mapped path, or an archived versioned package's name. */
export function versionedPathNeedles(input: Omit<MapVersionedPathsInput, "texts">): string[] {
  const pairs = findPairs(input.manifest, input.stage);
  if (pairs.length === 0) return [];
  return [...new Set([...mapVersionedPaths(input).mappings.map((mapping) => mapping.from), ...pairs.map((pair) => `/${pair.from}`)])];
}

/** Where an archived path is restored after the mappings (the path itself when none applies). */
export function mapRestoredPath(entryPath: string, mappings: readonly Pick<PathMapping, "from" | "to">[]): string {
  return applyMappings(
    entryPath,
    [...mappings].sort((a, b) => b.from.length - a.from.length),
  );
}
