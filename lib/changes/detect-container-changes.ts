import path from "node:path";
import { AppError } from "@/lib/api/app-error";
import { classifyEntry, looksLikePrivateKey } from "@/lib/changes/classify/classify-entry";
import { decideAll } from "@/lib/changes/classify/decide-selection";
import { isValidPackageName } from "@/lib/archives/manifest";
import { parseApkInstalled, parseApkWorld } from "@/lib/changes/packages/parse-apk";
import { parseDpkgList, parseDpkgStatus, parseExtendedStates, parseMd5sums } from "@/lib/changes/packages/parse-dpkg";
import { decidePackages, type PackageBase, type PackageReason } from "@/lib/changes/packages/decide-packages";
import { readBasePackages } from "@/lib/changes/read-base-packages";
import { parseRpmdb } from "@/lib/changes/packages/parse-rpmdb";
import { readRpmdbRows, RPMDB_MAX_FILE_BYTES } from "@/lib/changes/read-rpmdb";
import type { ChangeEntry, PackageFacts, RawEntry } from "@/lib/changes/classify/types";
import { detectPackageManager, type PackageManager } from "@/lib/containers/get-container-detail";
import { inspectContainerWithLayer, type InspectedContainer } from "@/lib/docker/inspect-container";
import { ContainerFileTooLarge, readContainerFile } from "@/lib/docker/read-container-file";
import { canReadOpaqueFolders, diffFromLayerFolder } from "@/lib/docker/diff-from-layer-folder";
import { readDiff, type DiffEntry } from "@/lib/docker/read-diff";
import { findLayerDirectory, hashLayerFiles, walkLayerDirectory, PACKAGE_FILE_HASH_MAX_BYTES } from "@/lib/docker/read-layer-directly";
import { formatBytes, type ReadWarning } from "@/lib/docker/read-warning";
import { walkArchive, WALK_DRAIN_MAX_BYTES, type ArchiveHeader, type HashAlgorithm } from "@/lib/docker/walk-archive";
import { getEngine, type Engine } from "@/lib/engines/engine-registry";
import { DEFAULT_RULE_SET_ID, getRuleSet } from "@/lib/rules/rule-set-store";
import { getSelection } from "@/lib/changes/selection-store";
import { mapLimit } from "@/lib/concurrency/map-limit";
import { processSingleton } from "@/lib/process-singleton";
import { classifyImagePath } from "@/lib/changes/classify-image-path";
import { readImageChanges, type DetectedImage, type ImageLayerRef } from "@/lib/changes/read-image-changes";
import { hashImageLayerFiles } from "@/lib/docker/read-image-layer";

// Detection wires the engine (diff, archive headers, dpkg's database) to the pure classifier and
// the rules. It reads only what changed: headers of changed paths, and content only where a
// hash is needed (package-owned files) or a key might hide (the first bytes of small files).

export type DetectOptions = {
  ruleSetId?: string;
  /** Only entries modified after this time (ISO). */
  since?: string;
  /** Only entries modified after this file's mtime in the container (e.g. /tmp/ts0). */
  sinceMarker?: string;
  /** Compare package-owned files with the package database (default true). */
  packageChecks?: boolean;
  /** "archive-api" skips the overlay2 fast path (what remote engines always use). */
  layerAccess?: "auto" | "archive-api";
  /** The container as the caller already inspected it (an archive job asks the engine once). */
  inspected?: InspectedContainer;
};

/** The detection options of a changes request's query (every changes route takes the same four). */
export function detectOptionsFromQuery(query: {
  ruleSet?: string;
  since?: string;
  sinceMarker?: string;
  packageChecks?: string;
}): DetectOptions {
  return { ruleSetId: query.ruleSet, since: query.since, sinceMarker: query.sinceMarker, packageChecks: query.packageChecks !== "false" };
}

/** Something Kura could not read from the container (too large, not a regular file, a hostile database), and what it did instead. */
export type DetectionWarning = ReadWarning;

/** `manual`: a restore installs it; `reason` says why or why not (dpkg only: decide-packages.ts). */
export type InstalledPackage = { name: string; version: string; architecture: string; manual: boolean; reason?: PackageReason };

export type DetectedChanges = {
  container: { engineId: string; id: string; name: string; state: string };
  ruleSet: { id: string; name: string };
  /** The person's stored ticks (path -> selected), applied on top of the rules. */
  overrides: { path: string; selected: boolean }[];
  since: string | null;
  packageManager: PackageManager | null;
  /** How the writable layer was read: straight from the engine's overlay2 folder, or through its archive API. */
  layerReadVia: "overlay2" | "archive-api";
  /** Who said what was added, modified or deleted: Kura from the layer folders (overlay2 here), or the engine (`docker diff`). */
  diffVia: "layer-folder" | "engine";
  packages: InstalledPackage[];
  /** Where the original base's package list came from (dpkg only), against which `manual` was decided. */
  packageBase: PackageBase | null;
  entries: DecidedEntry[];
  totals: { entries: number; selectedEntries: number; bytes: number; selectedBytes: number };
  timings: Record<string, number>;
  /** What could not be read, and so was not used (the detection still holds everything else). */
  warnings: DetectionWarning[];
  /** The container's image: its base (not listed: it comes back as a newer release) and its layers above it. Null: image gone. */
  image: DetectedImage | null;
};

const HEAD_BYTES = 64;
/** Entries classified and decided between two turns of the event loop. */
const DECIDE_SLICE = 25_000;
/** The digest each package database records for its files. */
const HASH_ALGORITHM: Record<PackageManager, HashAlgorithm> = { dpkg: "md5", apk: "sha1", rpm: "sha256" };
const SNIFF_MAX_SIZE = 1024 * 1024;
const CONCURRENCY = 8;

/** What the package database says about the changed paths; `sums` are hex digests in `algorithm`. */
type PackageDb = {
  owners: Map<string, string>;
  sums: Map<string, string>;
  algorithm: HashAlgorithm;
  conffiles: Map<string, string>;
  packages: InstalledPackage[];
  packageBase?: PackageBase;
  /** Conffiles registered with ucf rather than dpkg (their pristine version is kept at archive time like dpkg's). */
  ucf?: Set<string>;
};

// Merged /usr: dpkg may record /bin/true while the diff reports /usr/bin/true.
const MERGED_DIRS = /^\/(bin|sbin|lib|lib32|lib64|libx32)\//;
function changedAlias(file: string, changedPaths: Set<string>): string | null {
  if (changedPaths.has(file)) return file;
  if (MERGED_DIRS.test(file) && changedPaths.has(`/usr${file}`)) return `/usr${file}`;
  return null;
}

/**
 * The most Kura reads of each package-database file. A container may make any of them any size (a sparse 64 GiB
 * .list costs it nothing); past a limit nothing of the file is read, the detection says so in its warnings, and the
 * files are classified by path alone.
 */
export const PACKAGE_DB_LIMITS = {
  dpkgStatus: 64 * 1024 * 1024,
  aptExtendedStates: 16 * 1024 * 1024,
  /** Each /var/lib/dpkg/info/<package>.list and .md5sums. */
  dpkgInfoFile: 64 * 1024 * 1024,
  apkInstalled: 64 * 1024 * 1024,
  apkWorld: 1024 * 1024,
  rpmdb: RPMDB_MAX_FILE_BYTES,
} as const;

type ReadContext = {
  engine: Engine;
  containerId: string;
  changedPaths: Set<string>;
  warnings: DetectionWarning[];
  layerAccess?: DetectOptions["layerAccess"];
  /** The container's image (from the one inspection), for the original base's package list. */
  image?: { imageId: string; imageRef: string };
  /** Set when the container's writable layer holds nothing of dpkg's database: it is then the image's, cached by image. */
  dpkgCacheKey?: string | null;
};

/**
 * dpkg's files as an image holds them (status, apt's marks, the lists and sums), read once per image: a second container
 * of the same image that did not touch dpkg's database reuses them. Only complete reads are kept, a few images at most.
 */
type DpkgFiles = { status: string; extended: string; info: { base: string; text: string }[] };
const DPKG_CACHE_IMAGES = 4;
const DPKG_CACHE_MAX_CHARS = 64 * 1024 * 1024;
const dpkgCache = processSingleton("dpkg-files-by-image", () => new Map<string, DpkgFiles>());

function rememberDpkgFiles(key: string, files: DpkgFiles): void {
  const size = files.status.length + files.extended.length + files.info.reduce((sum, file) => sum + file.text.length, 0);
  if (size > DPKG_CACHE_MAX_CHARS) return;
  dpkgCache.delete(key);
  dpkgCache.set(key, files);
  while (dpkgCache.size > DPKG_CACHE_IMAGES) dpkgCache.delete(dpkgCache.keys().next().value!);
}

/** Whether the container's writable layer (its listing) holds any of dpkg's database. */
export function touchesDpkgDatabase(layerPaths: Iterable<string>): boolean {
  for (const file of layerPaths)
    if (file === "/var/lib/dpkg" || file.startsWith("/var/lib/dpkg/") || file === "/var/lib/apt/extended_states") return true;
  return false;
}

const NO_PACKAGE_CHECKS = "its package files were not compared with their packages (they are classified by path alone)";
const NO_PACKAGES = `the installed packages are unknown; ${NO_PACKAGE_CHECKS}`;
const NO_MANUAL = "which packages were installed by hand is unknown";
type TooLarge = "too-large";

/** A package-database file's bytes; null when missing; "too-large" (and a warning) past its limit. */
async function readDatabaseFile(context: ReadContext, file: string, limit: number, consequence: string): Promise<Buffer | null | TooLarge> {
  try {
    return await readContainerFile(context.engine, context.containerId, file, limit);
  } catch (error) {
    if (!(error instanceof ContainerFileTooLarge)) throw error;
    const message = `${file} is ${formatBytes(error.size)}, over the ${formatBytes(limit)} Kura reads of it: ${consequence}.`;
    context.warnings.push({ code: "file-too-large", path: file, message });
    return "too-large";
  }
}

const asText = (bytes: Buffer | null | TooLarge) => (Buffer.isBuffer(bytes) ? bytes.toString("utf8") : "");

/** dpkg's status and the lists/md5sums of installed packages, kept only for the changed paths. */
async function readDpkg(context: ReadContext): Promise<PackageDb> {
  const { engine, containerId, changedPaths, warnings } = context;
  // Installed by hand = not in the original base's own list and not pulled in by apt (no priority guesses).
  const basePromise = context.image
    ? readBasePackages(engine, context.image, { layerAccess: context.layerAccess })
    : Promise.resolve({ base: { source: "minimal-set" as const, why: "the container's image is unknown" }, warnings: [] });
  const cached = context.dpkgCacheKey ? dpkgCache.get(context.dpkgCacheKey) : undefined;
  const statusBytes = cached
    ? Buffer.from(cached.status)
    : await readDatabaseFile(context, "/var/lib/dpkg/status", PACKAGE_DB_LIMITS.dpkgStatus, NO_PACKAGES);
  if (statusBytes === "too-large") return { owners: new Map(), sums: new Map(), algorithm: "md5", conffiles: new Map(), packages: [] };
  const status = parseDpkgStatus(asText(statusBytes));
  const extendedBytes = cached
    ? Buffer.from(cached.extended)
    : await readDatabaseFile(context, "/var/lib/apt/extended_states", PACKAGE_DB_LIMITS.aptExtendedStates, NO_MANUAL);
  const base = await basePromise;
  warnings.push(...base.warnings);
  const autoInstalled = extendedBytes === "too-large" ? null : parseExtendedStates(asText(extendedBytes));
  const decided = decidePackages({ status, autoInstalled, base: base.base });
  const owners = new Map<string, string>();
  const md5 = new Map<string, string>();
  const conffiles = new Map<string, string>();
  for (const pkg of status.values()) {
    for (const [listed, sum] of pkg.conffiles) {
      const file = changedAlias(listed, changedPaths);
      if (!file) continue;
      conffiles.set(file, sum);
      owners.set(file, pkg.name);
    }
  }
  let tooLarge: ArchiveHeader | null = null;
  const info: DpkgFiles["info"] = [];
  const useInfoFile = (base: string, text: string) => {
    const pkgName = base.replace(/\.(list|md5sums)$/, "").replace(/:.*$/, "");
    if (base.endsWith(".list")) {
      for (const listed of parseDpkgList(text)) {
        const file = changedAlias(listed, changedPaths);
        if (file && !owners.has(file)) owners.set(file, pkgName);
      }
    } else {
      for (const [listed, sum] of parseMd5sums(text)) {
        const file = changedAlias(listed, changedPaths);
        if (file) md5.set(file, sum);
      }
    }
  };
  if (cached) for (const file of cached.info) useInfoFile(file.base, file.text);
  else
    await walkArchive(
      engine,
      containerId,
      "/var/lib/dpkg/info",
      (header) => {
        if (header.tooLarge) tooLarge = header;
        if (!header.content) return;
        const base = path.posix.basename(header.path);
        const text = header.content.toString("utf8");
        if (context.dpkgCacheKey) info.push({ base, text });
        useInfoFile(base, text);
      },
      { keep: (file) => file.endsWith(".list") || file.endsWith(".md5sums"), keepMaxBytes: PACKAGE_DB_LIMITS.dpkgInfoFile },
    );
  if (!cached && context.dpkgCacheKey && !tooLarge && Buffer.isBuffer(statusBytes) && extendedBytes !== "too-large")
    rememberDpkgFiles(context.dpkgCacheKey, { status: asText(statusBytes), extended: asText(extendedBytes), info });
  const { packages, base: packageBase } = decided;
  const oversized = tooLarge as ArchiveHeader | null;
  if (oversized) {
    // The walk stopped at it: the lists after it were not read, so which package owns what is incomplete.
    warnings.push({
      code: "file-too-large",
      path: oversized.path,
      message:
        `${oversized.path} is ${formatBytes(oversized.size)}, over the ${formatBytes(PACKAGE_DB_LIMITS.dpkgInfoFile)} Kura reads of a package list: ` +
        `${NO_PACKAGE_CHECKS}.`,
    });
    return { owners: new Map(), sums: new Map(), algorithm: "md5", conffiles: new Map(), packages, packageBase };
  }
  return { owners, sums: md5, algorithm: "md5", conffiles, packages, packageBase };
}

/** A package database's owners and packaged digests, kept for the changed paths only; `isConfig` files go to conffiles. */
function keepChanged(
  owners: Map<string, string>,
  digests: Map<string, string>,
  changedPaths: Set<string>,
  isConfig: (file: string) => boolean,
): Pick<PackageDb, "owners" | "sums" | "conffiles"> {
  const kept: Pick<PackageDb, "owners" | "sums" | "conffiles"> = { owners: new Map(), sums: new Map(), conffiles: new Map() };
  for (const [listed, owner] of owners) {
    const file = changedAlias(listed, changedPaths);
    if (!file) continue;
    kept.owners.set(file, owner);
    const digest = digests.get(listed);
    if (digest) (isConfig(listed) ? kept.conffiles : kept.sums).set(file, digest);
  }
  return kept;
}

// Where rpm 4.16+ keeps its SQLite database (/usr/lib/sysimage on newer Fedora and openSUSE; /var/lib/rpm on RHEL 9).
const RPMDB_FILES = ["/usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite"];

/**
 * rpm's database, kept only for the changed paths; %config files count as conffiles. rpm does not record which
 * packages were installed by hand, so none is marked so. An older Berkeley DB database (RHEL 7 and 8) is not read:
 * no package facts then. The SQLite file is read in a worker within limits (read-rpmdb.ts); one over them, or not
 * rpm's schema, is refused with a warning: no package facts either.
 */
async function readRpm(context: ReadContext): Promise<PackageDb> {
  const empty: PackageDb = { owners: new Map(), sums: new Map(), algorithm: "sha256", conffiles: new Map(), packages: [] };
  for (const file of RPMDB_FILES) {
    const bytes = await readDatabaseFile(context, file, PACKAGE_DB_LIMITS.rpmdb, NO_PACKAGES);
    if (bytes === "too-large") return empty; // a partial package list would mislead
    if (!bytes) continue;
    const rows = await readRpmdbRows(bytes);
    if ("refused" in rows) {
      const message = `${file} was not read: ${rows.refused}. The installed packages are unknown; ${NO_PACKAGE_CHECKS}.`;
      context.warnings.push({ code: "package-database-refused", path: file, message });
      return empty;
    }
    const rpmdb = parseRpmdb(rows.blobs);
    const kept = keepChanged(rpmdb.owners, rpmdb.digests, context.changedPaths, (listed) => rpmdb.config.has(listed));
    return { ...kept, algorithm: rpmdb.algorithm, packages: rpmdb.packages.map((pkg) => ({ ...pkg, manual: false })) };
  }
  return empty;
}

/** apk's installed database and world file, kept only for the changed paths (apk has no conffiles). */
async function readApk(context: ReadContext): Promise<PackageDb> {
  const installedBytes = await readDatabaseFile(context, "/lib/apk/db/installed", PACKAGE_DB_LIMITS.apkInstalled, NO_PACKAGES);
  if (installedBytes === "too-large") return { owners: new Map(), sums: new Map(), algorithm: "sha1", conffiles: new Map(), packages: [] };
  const installed = parseApkInstalled(asText(installedBytes));
  const worldBytes = await readDatabaseFile(context, "/etc/apk/world", PACKAGE_DB_LIMITS.apkWorld, NO_MANUAL);
  const world = parseApkWorld(asText(worldBytes));
  const packages = installed.packages
    .map((pkg) => ({ name: pkg.name, version: pkg.version, architecture: pkg.architecture, manual: world.has(pkg.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ...keepChanged(installed.owners, installed.sha1, context.changedPaths, () => false), algorithm: "sha1", packages };
}

/**
 * Configuration files packages install through ucf (smb.conf, /etc/default/exim4) are no dpkg conffiles, but ucf records
 * each with its package and the digest of the version the package proposed: compared like conffiles, an untouched one
 * comes back with the package and an edited one is kept.
 */
async function addUcfFiles(context: ReadContext, db: PackageDb): Promise<void> {
  const limit = PACKAGE_DB_LIMITS.aptExtendedStates;
  const consequence = "configuration files installed through ucf are classified by path alone";
  const [hashfile, registry] = await Promise.all([
    readDatabaseFile(context, "/var/lib/ucf/hashfile", limit, consequence),
    readDatabaseFile(context, "/var/lib/ucf/registry", limit, consequence),
  ]);
  const packages = new Map<string, string>();
  for (const line of asText(registry).split("\n")) {
    const [pkg, file] = line.trim().split(/\s+/);
    if (pkg && file) packages.set(file, pkg.replace(/:.*$/, ""));
  }
  for (const line of asText(hashfile).split("\n")) {
    const match = /^([0-9a-f]{32})\s+(\/\S+)$/.exec(line.trim());
    if (!match || !context.changedPaths.has(match[2]!) || db.owners.has(match[2]!) || db.algorithm !== "md5") continue;
    db.owners.set(match[2]!, packages.get(match[2]!) ?? "unknown (ucf)");
    db.conffiles.set(match[2]!, match[1]!);
    (db.ucf ??= new Set()).add(match[2]!);
  }
}

function toRaw(header: ArchiveHeader, kind: RawEntry["kind"], source: RawEntry["source"]): RawEntry {
  return {
    path: header.path,
    kind,
    source,
    type: header.type,
    size: header.size,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    mtime: header.mtime,
    linkTarget: header.linkTarget,
  };
}

/**
 * A file a package ships as configuration (a dpkg conffile, or registered with ucf), its package, and the digest the
 * package database recorded for the package's own version of it (md5 for dpkg and ucf; the pristine's proof).
 */
export type ConffileOf = { package: string; kind: "dpkg" | "ucf"; digest?: string };

/**
 * `imageLayer`: for source "image", the layer whose version of the path the container sees, and its step.
 * `conffile`: set on regular files a package ships as configuration (the archive keeps their pristine version).
 */
type DecidedEntry = ChangeEntry & { defaultSelected: boolean; imageLayer?: ImageLayerRef; conffile?: ConffileOf };

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Merge two lists already sorted by path. */
function mergeSorted(left: DecidedEntry[], right: DecidedEntry[]): DecidedEntry[] {
  if (!right.length) return left;
  if (!left.length) return right;
  const merged: DecidedEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) merged.push(byPath(left[i]!, right[j]!) <= 0 ? left[i++]! : right[j++]!);
  while (i < left.length) merged.push(left[i++]!);
  while (j < right.length) merged.push(right[j++]!);
  return merged;
}

/** Added paths whose parent was not added: one archive each covers everything below. */
function addedRoots(diff: DiffEntry[]): { roots: string[]; singles: DiffEntry[] } {
  const added = new Set(diff.filter((entry) => entry.kind === "added").map((entry) => entry.path));
  const roots: string[] = [];
  const singles: DiffEntry[] = [];
  for (const entry of diff) {
    if (entry.kind === "deleted") continue;
    if (entry.kind === "added") {
      if (!added.has(path.posix.dirname(entry.path))) roots.push(entry.path);
    } else singles.push(entry);
  }
  return { roots, singles };
}

/**
 * The package owning the nearest folder above `file` that is a package's own (three levels deep at least:
 * /usr/share/dovecot, not /usr/share, which every package lists), or null.
 */
function packageFolderOwner(owners: ReadonlyMap<string, string>, file: string): string | null {
  for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1)) {
    // "/usr/share" has two slashes: a package's own folder has three at least.
    if (file.indexOf("/", file.indexOf("/", 1) + 1) === -1 || file.indexOf("/", file.indexOf("/", 1) + 1) >= slash) return null;
    const folder = file.slice(0, slash);
    const owner = owners.get(folder);
    if (owner) return owner;
  }
  return null;
}

export async function detectContainerChanges(
  engineId: string,
  containerRef: string,
  options: DetectOptions = {},
): Promise<DetectedChanges> {
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[label] = Math.round(performance.now() - start);
    }
  };
  const engine = await getEngine(engineId);
  const inspected = options.inspected ?? (await inspectContainerWithLayer(engine, containerRef));
  const { inspection } = inspected;
  const containerId = inspection.id;
  const warnings: DetectionWarning[] = [];
  const layerDir = options.layerAccess === "archive-api" ? null : findLayerDirectory(engine, inspected);
  // The engine's diff is the slow part (about 2 s per 100,000 paths). Meanwhile: read the layer
  // folder (when it is on this machine), then dpkg's database and the package files to hash,
  // keyed off the layer folder's paths (a superset of the diff's).
  // If the folder cannot be walked after all, the archive API below still gives the right answer.
  const layerPromise = layerDir
    ? timed("layer", async () => {
        const walk = await walkLayerDirectory(layerDir, { headBytes: HEAD_BYTES }).catch(() => null);
        if (!walk) return null;
        warnings.push(...walk.warnings);
        return walk.headers;
      })
    : Promise.resolve(null);
  // On overlay2 here, the layer's own listing says what changed (diff-from-layer-folder.ts): no waiting for the engine's
  // diff, which compares the whole layer again. Anything that keeps it from answering falls back to the engine.
  let diffVia: DetectedChanges["diffVia"] = "engine";
  const diffPromise = timed("diff", async (): Promise<DiffEntry[]> => {
    const lowerDirs = inspected.lowerDirs ?? [];
    const layer = layerDir && lowerDirs.length && canReadOpaqueFolders() ? await layerPromise : null;
    if (layer && layerDir) {
      const fromFolder = await diffFromLayerFolder(layerDir, layer, lowerDirs).catch(() => null);
      if (fromFolder) {
        diffVia = "layer-folder";
        return fromFolder.entries;
      }
    }
    return readDiff(engine, containerId);
  });
  const packageManagerPromise = detectPackageManager(engine, containerId);
  const selectionPromise = getSelection(engine.id, containerId);
  // The image's own layers above its base (cached by diffID: a second detection reads none of them again).
  const imagePromise = timed("image", async () =>
    readImageChanges(
      engine,
      { reference: inspection.image, id: inspection.imageId },
      {
        readLayers: options.layerAccess !== "archive-api",
        // Without the package database, the packages' own files in the image could not be told from the rest.
        skip:
          options.packageChecks === false ? "(package checks are off, and without them the packages' files cannot be told apart)" : null,
        warnings,
        hashAlgorithm: async () => {
          const manager = await packageManagerPromise;
          return manager && options.packageChecks !== false ? HASH_ALGORITHM[manager] : null;
        },
        baseContent: (await selectionPromise).baseContent,
      },
    ),
  );
  const packagePromise = (async () => {
    const manager = await packageManagerPromise;
    if (!manager || options.packageChecks === false) return null;
    const layer = await layerPromise;
    const changed = layer
      ? new Set(layer.keys())
      : new Set((await diffPromise).filter((entry) => entry.kind !== "deleted").map((entry) => entry.path));
    const imageChanges = await imagePromise;
    for (const item of [...(imageChanges?.paths ?? []), ...(imageChanges?.deletions ?? [])]) changed.add(item.path);
    const readDatabase = { dpkg: readDpkg, apk: readApk, rpm: readRpm }[manager];
    const db = await timed("packages", () =>
      readDatabase({
        engine,
        containerId,
        changedPaths: changed,
        warnings,
        layerAccess: options.layerAccess,
        image: { imageId: inspection.imageId, imageRef: inspection.image },
        // dpkg's files are the image's when the writable layer (listed here) holds none of them.
        dpkgCacheKey: layer && !touchesDpkgDatabase(layer.keys()) ? `${engine.id}:${inspection.imageId}` : null,
      }),
    );
    if (manager === "dpkg") await addUcfFiles({ engine, containerId, changedPaths: changed, warnings }, db);
    // A name the package manager itself would not accept is the container's invention: left out, and said.
    const refused = db.packages.filter((pkg) => !isValidPackageName(pkg.name, manager));
    if (refused.length) {
      db.packages = db.packages.filter((pkg) => isValidPackageName(pkg.name, manager));
      const names = refused
        .slice(0, 5)
        .map((pkg) => JSON.stringify(pkg.name.slice(0, 80)))
        .join(", ");
      warnings.push({
        code: "package-database-refused",
        path: null,
        message: `The ${manager} database names ${refused.length} package(s) no ${manager} would accept (${names}${refused.length > 5 ? ", ..." : ""}): left out of the package list, so a restore will not install them.`,
      });
    }
    // Package files an image layer holds: hashed from that layer's folder (and remembered with the layer).
    const imageSums = new Map<string, string>();
    const byLayer = new Map<number, { path: string; inode?: { dev: number; ino: number } }[]>();
    for (const item of imageChanges?.paths ?? []) {
      if (item.header.type !== "file" || !db.owners.has(item.path) || !(db.sums.has(item.path) || db.conffiles.has(item.path))) continue;
      const files = byLayer.get(item.index) ?? [];
      if (!files.length) byLayer.set(item.index, files);
      files.push({ path: item.path, inode: item.header.inode });
    }
    await timed("imageHash", async () => {
      for (const [index, files] of byLayer) {
        const analysis = imageChanges?.analyses.get(index);
        if (!analysis) continue;
        const hashed = await hashImageLayerFiles(analysis, files, db.algorithm);
        warnings.push(...hashed.warnings);
        for (const [file, digest] of hashed.sums) imageSums.set(file, digest);
      }
    });
    if (!layer || !layerDir) return { db, sums: null, imageSums };
    const owned = [...db.owners.keys()].flatMap((file) => {
      const header = layer.get(file);
      return header?.type === "file" && (db.sums.has(file) || db.conffiles.has(file)) ? [{ path: file, inode: header.inode }] : [];
    });
    const hashed = await timed("hash", () => hashLayerFiles(layerDir, owned, db.algorithm));
    warnings.push(...hashed.warnings);
    return { db, sums: hashed.sums, imageSums };
  })();
  const ruleSetPromise = selectionPromise.then((selection) => getRuleSet(options.ruleSetId ?? selection.ruleSetId ?? DEFAULT_RULE_SET_ID));

  const engineManaged = new Set(inspection.engineManagedFiles);
  const mounts = inspection.mounts.filter(
    (mount) => (mount.type === "volume" || mount.type === "bind") && !engineManaged.has(mount.destination),
  );
  // A mount point and what is below it belong to the mount (which is listed on its own); the
  // archive API would read through the mount and report the mount's files as the layer's.
  const underMount = (file: string) => mounts.some((mount) => file === mount.destination || file.startsWith(`${mount.destination}/`));

  // Facts gathered from every source, used by classification.
  const heads = new Map<string, Buffer>();
  const digests = new Map<string, string>();
  const toEntry = (header: ArchiveHeader, kind: RawEntry["kind"], source: RawEntry["source"]): RawEntry => {
    if (header.head && header.size <= SNIFF_MAX_SIZE) heads.set(header.path, header.head);
    if (header.digest) digests.set(header.path, header.digest);
    return toRaw(header, kind, source);
  };
  /** Image folders made by package install scripts (filled in once the diff is known, before image entries are decided). */
  const scriptFolders = new Set<string>();
  /** Files below /usr (not /usr/local) that a layer which installed packages wrote (see scriptFileOwner). */
  const scriptFileCandidates = new Set<string>();
  const decide = async (entries: RawEntry[]): Promise<DecidedEntry[]> => {
    const [packageFacts, ruleSet, selection] = await Promise.all([packagePromise, ruleSetPromise, selectionPromise]);
    const packageDb = packageFacts?.db ?? null;
    const classify = (entry: RawEntry) => {
      let pkg: PackageFacts | null = null;
      const owner = packageDb?.owners.get(entry.path);
      if (owner && entry.type === "file") {
        const expected = packageDb?.conffiles.get(entry.path) ?? packageDb?.sums.get(entry.path);
        const actual =
          entry.source === "image"
            ? packageFacts?.imageSums.get(entry.path)
            : (digests.get(entry.path) ?? packageFacts?.sums?.get(entry.path));
        pkg = {
          owner,
          conffile: packageDb?.conffiles.has(entry.path) ?? false,
          unchanged: expected && actual ? expected === actual : null,
        };
      }
      if (entry.source === "image") {
        const facts = pkg ?? (owner ? { owner, unchanged: null } : null);
        const imageClassification = classifyImagePath(
          entry,
          facts,
          scriptFolders.has(entry.path),
          !owner && packageDb && scriptFileCandidates.has(entry.path) ? packageFolderOwner(packageDb.owners, entry.path) : null,
        );
        if (imageClassification) return imageClassification;
      }
      const head = heads.get(entry.path);
      return classifyEntry(entry, {
        pkg,
        engineManaged: engineManaged.has(entry.path),
        looksLikePrivateKey: head ? looksLikePrivateKey(head.toString("latin1")) : false,
      });
    };
    // Sort the plain entries once, before classification builds larger objects from them.
    entries.sort(byPath);
    // In slices, letting other requests in between: a million entries took the event loop for seconds in one go.
    const inSlices = async (overrides: typeof selection.overrides) => {
      if (entries.length <= DECIDE_SLICE) return decideAll(entries, classify, ruleSet.rules, overrides);
      const decided: ChangeEntry[] = [];
      for (let start = 0; start < entries.length; start += DECIDE_SLICE) {
        await new Promise((resolve) => setImmediate(resolve));
        for (const entry of decideAll(entries.slice(start, start + DECIDE_SLICE), classify, ruleSet.rules, overrides)) decided.push(entry);
      }
      return decided;
    };
    const withDefaults = await inSlices([]);
    const withOverrides = selection.overrides.length ? await inSlices(selection.overrides) : withDefaults;
    // Assigned rather than spread: a spread copy of 100,000 entries costs hundreds of ms here.
    const result = withOverrides as DecidedEntry[];
    for (let index = 0; index < result.length; index++) result[index]!.defaultSelected = withDefaults[index]!.selected;
    if (packageDb?.conffiles.size)
      for (const entry of result) {
        const owner = entry.type === "file" && packageDb.conffiles.has(entry.path) ? packageDb.owners.get(entry.path) : undefined;
        if (owner)
          entry.conffile = {
            package: owner,
            kind: packageDb.ucf?.has(entry.path) ? "ucf" : "dpkg",
            digest: packageDb.conffiles.get(entry.path),
          };
      }
    return result;
  };

  // With the layer folder at hand, every entry in it is classified and decided while the engine
  // still computes the diff (neither depends on it: a folder entry is never a deletion); the diff
  // then only says which of them count and whether each was added or modified.
  const earlyPromise = (async () => {
    const layer = await layerPromise;
    if (!layer) return null;
    const entries: RawEntry[] = [];
    for (const header of layer.values()) if (!underMount(header.path)) entries.push(toEntry(header, "added", "layer"));
    return timed("classify", () => decide(entries));
  })();
  const mountsPromise = timed("mounts", async () => {
    const entries: RawEntry[] = [];
    for (const mount of mounts) {
      const source = mount.type === "volume" ? "volume" : "bind";
      await walkArchive(engine, containerId, mount.destination, (header) => entries.push(toEntry(header, "added", source)), {
        headBytes: HEAD_BYTES,
      });
    }
    return entries;
  });
  const sincePromise = (async () => {
    if (!options.sinceMarker) return options.since ? new Date(options.since).toISOString() : null;
    let markerTime: string | null = null;
    await walkArchive(engine, containerId, options.sinceMarker, (header) => (markerTime = header.mtime), { firstOnly: true });
    if (!markerTime) throw new AppError(422, "marker_not_found", `The marker file ${options.sinceMarker} does not exist in the container.`);
    return markerTime;
  })();

  const [diff, packageManager, selection, ruleSet, packageFacts, early, mountEntries, since, imageChanges] = await Promise.all([
    diffPromise,
    packageManagerPromise,
    selectionPromise,
    ruleSetPromise,
    packagePromise,
    earlyPromise,
    mountsPromise,
    sincePromise,
    imagePromise,
  ]);
  const packageDb = packageFacts?.db ?? null;

  const joinStart = performance.now();
  const kindOf = new Map(diff.map((entry) => [entry.path, entry.kind]));
  // Paths the early pass could not serve (or all of them without the layer folder) are read
  // through the archive API; deletions come from the diff alone.
  const extras: RawEntry[] = [...mountEntries];
  const collectLayer = (header: ArchiveHeader) => {
    if (underMount(header.path)) return;
    if (header.tooLarge) {
      const limit = formatBytes(PACKAGE_FILE_HASH_MAX_BYTES);
      warnings.push({
        code: "file-too-large",
        path: header.path,
        message: `${header.path} is ${formatBytes(header.size)}, over the ${limit} Kura hashes: not compared with its package.`,
      });
    }
    extras.push(toEntry(header, kindOf.get(header.path) ?? "added", "layer"));
  };
  const needsHash = (file: string) => Boolean(packageDb && (packageDb.sums.has(file) || packageDb.conffiles.has(file)));
  /** Walks each job; resolves with the roots whose walk stopped at a file too large to receive whole. */
  const walkEach = async (jobs: { path: string; firstOnly: boolean }[]): Promise<string[]> => {
    const cutShort: string[] = [];
    await mapLimit(jobs, CONCURRENCY, async (job) => {
      await walkArchive(engine, containerId, job.path, collectLayer, {
        firstOnly: job.firstOnly,
        headBytes: HEAD_BYTES,
        hash: needsHash,
        hashAlgorithm: packageDb?.algorithm ?? "md5",
        hashMaxBytes: PACKAGE_FILE_HASH_MAX_BYTES,
        drainMaxBytes: WALK_DRAIN_MAX_BYTES,
        onCutShort: () => cutShort.push(job.path),
      });
    });
    return cutShort;
  };
  let layerEntries: DecidedEntry[] = [];
  if (early) {
    layerEntries = early.filter((entry) => {
      const kind = kindOf.get(entry.path);
      if (!kind || kind === "deleted") return false;
      entry.kind = kind;
      return true;
    });
    // The early pass served every path of the layer folder's listing outside mounts; the rest are read on their own.
    const listed = (await layerPromise)!;
    await walkEach(
      diff
        .filter((entry) => entry.kind !== "deleted" && !underMount(entry.path) && !listed.has(entry.path))
        .map((entry) => ({ path: entry.path, firstOnly: true })),
    );
  } else {
    await timed("layer", async () => {
      const { roots, singles } = addedRoots(diff);
      let cutShort = await walkEach([
        ...roots.map((root) => ({ path: root, firstOnly: false })),
        ...singles.map((single) => ({ path: single.path, firstOnly: true })),
      ]);
      // An added folder whose tar stopped at a huge file (a container can make a sparse 64 GiB one for free): what the
      // diff lists below it that was not reached yet is walked on its own, from its topmost paths.
      while (cutShort.length) {
        const seen = new Set(extras.map((entry) => entry.path));
        const left = diff.filter(
          (entry) => entry.kind === "added" && !seen.has(entry.path) && cutShort.some((root) => entry.path.startsWith(`${root}/`)),
        );
        cutShort = await walkEach(addedRoots(left).roots.map((root) => ({ path: root, firstOnly: false })));
      }
    });
  }
  for (const entry of diff) {
    if (entry.kind === "deleted")
      extras.push({ path: entry.path, kind: "deleted", source: "layer", type: "other", size: 0, mode: 0, uid: 0, gid: 0, mtime: null });
  }
  // The image's paths the container still sees as the image made them: not changed or deleted by the container (its
  // diff lists those), not below a path it deleted, not hidden by a mount, not written by the engine.
  const imageLayerOf = new Map<string, ImageLayerRef>();
  if (imageChanges?.packageLayers.size) {
    // Folders with nothing but folders below them (in the image or the container), made by a layer that installed
    // packages: the packages' install scripts made them (exim4's spool), and make them again on the new base.
    const holdsContent = new Set<string>();
    const markAncestors = (file: string) => {
      for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1)) {
        const folder = file.slice(0, slash);
        if (holdsContent.has(folder)) break;
        holdsContent.add(folder);
      }
    };
    for (const item of imageChanges.paths) if (item.header.type !== "dir") markAncestors(item.path);
    for (const entry of diff) if (entry.kind !== "deleted") markAncestors(entry.path);
    for (const item of imageChanges.paths) {
      if (!imageChanges.packageLayers.has(item.index)) continue;
      if (item.header.type !== "dir") {
        if (item.path.startsWith("/usr/") && !item.path.startsWith("/usr/local/")) scriptFileCandidates.add(item.path);
        continue;
      }
      if (!holdsContent.has(item.path)) scriptFolders.add(item.path);
    }
  }
  if (imageChanges) {
    const containerDeleted = new Set(diff.filter((entry) => entry.kind === "deleted").map((entry) => entry.path));
    const refOf = (index: number): ImageLayerRef => {
      const layer = imageChanges.image.layers[index];
      return { index, diffId: layer?.diffId ?? "", step: layer?.step ?? null };
    };
    const seenByContainer = (file: string) => {
      if (kindOf.has(file) || underMount(file) || engineManaged.has(file)) return true;
      if (!containerDeleted.size) return false;
      for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1))
        if (containerDeleted.has(file.slice(0, slash))) return true;
      return false;
    };
    for (const item of imageChanges.paths) {
      if (seenByContainer(item.path)) continue;
      extras.push(toEntry(item.header, item.kind, "image"));
      imageLayerOf.set(item.path, refOf(item.index));
    }
    for (const deletion of imageChanges.deletions) {
      if (seenByContainer(deletion.path)) continue;
      extras.push({ path: deletion.path, kind: "deleted", source: "image", type: "other", size: 0, mode: 0, uid: 0, gid: 0, mtime: null });
      imageLayerOf.set(deletion.path, refOf(deletion.index));
    }
  }
  const decidedExtras = await decide(extras);
  if (imageLayerOf.size) for (const entry of decidedExtras) if (entry.source === "image") entry.imageLayer = imageLayerOf.get(entry.path);
  const merged = mergeSorted(layerEntries, decidedExtras);
  // What the image's layers hold was made before the image was (a file's own time says little there: COPY keeps the
  // build context's times): with a time, all of it, deletions included, is newer or not as the image is.
  const imageMade = imageChanges?.createdAt ?? null;
  const decided = since
    ? merged.filter((entry) =>
        entry.source === "image" && imageMade
          ? imageMade > since
          : entry.kind === "deleted" || entry.type === "dir" || (entry.mtime !== null && entry.mtime > since),
      )
    : merged;
  timings.join = Math.round(performance.now() - joinStart);

  const totals = { entries: decided.length, selectedEntries: 0, bytes: 0, selectedBytes: 0 };
  for (const entry of decided) {
    totals.bytes += entry.size;
    if (entry.selected) {
      totals.selectedEntries++;
      totals.selectedBytes += entry.size;
    }
  }
  return {
    container: { engineId: engine.id, id: containerId, name: inspection.name, state: inspection.state },
    ruleSet: { id: ruleSet.id, name: ruleSet.name },
    overrides: selection.overrides,
    since,
    packageManager,
    layerReadVia: early ? "overlay2" : "archive-api",
    diffVia,
    packages: packageDb?.packages ?? [],
    packageBase: packageDb?.packageBase ?? null,
    entries: decided,
    totals,
    timings,
    warnings,
    image: imageChanges?.image ?? null,
  };
}
