// Sorts the manifest's entries into what a restore does with them: account files (merged by the
// script), payload (files and folders the caller copies into the build context), symbolic links
// (created by the script), deletions, and the folders above what the restore writes (the staged
// copy takes the base's owner, mode and time for them, since the copy over / applies its own).

import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import { printable } from "@/lib/restores/plan/quote-shell";
import {
  ACCOUNT_FILES,
  type AccountFile,
  ancestorsOf,
  checkAbsolutePath,
  isAccountFile,
  isPackageDatabasePath,
  isProtectedPath,
} from "@/lib/restores/plan/restore-paths";
import type { RestoreWarning } from "@/lib/restores/plan/types";

export type RestoreSelection = {
  accountFiles: AccountFile[];
  /** Files and folders for payload/, one per path, sorted by path. */
  payloadEntries: ManifestEntry[];
  /** Symbolic links the script creates, sorted by path. */
  symlinks: ManifestEntry[];
  /** Payload and symlinks together, sorted by path: what the metadata step applies. */
  metadataEntries: ManifestEntry[];
  deletions: string[];
  /** Folders above payload entries, symbolic links and account files that are not entries themselves, sorted. */
  ancestors: string[];
  warnings: RestoreWarning[];
};

// A mount hides what the image has at the same path, so a volume's or bind's entry wins.
const SOURCE_RANK: Record<ManifestEntry["source"], number> = { image: -1, layer: 0, bind: 1, volume: 2 };

function listPaths(paths: readonly string[], limit = 5): string {
  const shown = paths.slice(0, limit).map(printable).join(", ");
  return paths.length > limit ? `${shown} and ${paths.length - limit} more` : shown;
}

export function selectRestoreEntries(manifest: Pick<Manifest, "entries" | "deleted">): RestoreSelection {
  const warnings: RestoreWarning[] = [];
  const accountFiles = new Set<AccountFile>();
  const visible = new Map<string, ManifestEntry>();
  const unsafe: string[] = [];
  const protectedPaths: string[] = [];
  const packageDatabase: string[] = [];
  const special: string[] = [];
  const brokenLinks: string[] = [];

  for (const entry of manifest.entries) {
    if (entry.path === "/") continue;
    if (checkAbsolutePath(entry.path)) {
      unsafe.push(entry.path);
      continue;
    }
    if (isAccountFile(entry.path)) {
      if (entry.type === "file") accountFiles.add(entry.path);
      continue;
    }
    if (isProtectedPath(entry.path)) {
      protectedPaths.push(entry.path);
      continue;
    }
    if (isPackageDatabasePath(entry.path)) {
      packageDatabase.push(entry.path);
      continue;
    }
    if (entry.type === "other") {
      special.push(entry.path);
      continue;
    }
    if (entry.type === "symlink" && !entry.linkTarget) {
      brokenLinks.push(entry.path);
      continue;
    }
    const seen = visible.get(entry.path);
    if (!seen || SOURCE_RANK[entry.source] > SOURCE_RANK[seen.source]) visible.set(entry.path, entry);
  }

  const sorted = [...visible.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const payloadEntries = sorted.filter((entry) => entry.type === "file" || entry.type === "dir");
  const symlinks = sorted.filter((entry) => entry.type === "symlink");

  // Folders the staged copy holds without a manifest entry of their own.
  const payloadDirs = new Set(payloadEntries.filter((entry) => entry.type === "dir").map((entry) => entry.path));
  const ancestorSet = new Set<string>();
  const written = [...payloadEntries.map((entry) => entry.path), ...symlinks.map((entry) => entry.path), ...accountFiles];
  for (const path of written) for (const ancestor of ancestorsOf(path)) if (!payloadDirs.has(ancestor)) ancestorSet.add(ancestor);
  const ancestors = [...ancestorSet].sort();

  // Deletions never remove what the archive restores, nor a folder above it.
  const kept = new Set<string>();
  for (const entry of manifest.entries) {
    kept.add(entry.path);
    for (const ancestor of ancestorsOf(entry.path)) kept.add(ancestor);
  }
  const deletions = [...new Set(manifest.deleted)]
    .filter(
      (path) =>
        !checkAbsolutePath(path) && !isProtectedPath(path) && !isAccountFile(path) && !isPackageDatabasePath(path) && !kept.has(path),
    )
    .sort();
  const skippedDeletions = manifest.deleted.filter((path) => checkAbsolutePath(path) && path !== "/");

  if (unsafe.length || skippedDeletions.length) {
    warnings.push({
      kind: "other",
      message: `${unsafe.length + skippedDeletions.length} archived path(s) are not clean absolute paths (empty, "." or ".." parts) and were left out: ${listPaths([...unsafe, ...skippedDeletions])}.`,
    });
  }
  if (protectedPaths.length) {
    warnings.push({
      kind: "other",
      message: `${protectedPaths.length} archived path(s) under /proc, /sys, /dev or /kura were left out because a restore may not write there: ${listPaths(protectedPaths)}.`,
    });
  }
  if (packageDatabase.length) {
    warnings.push({
      kind: "other",
      message: `${packageDatabase.length} archived path(s) under /var/lib/dpkg or /var/lib/apt were left out: copying the old system's package database over the new base's would corrupt it (the packages are reinstalled instead): ${listPaths(packageDatabase)}.`,
    });
  }
  if (special.length) {
    warnings.push({
      kind: "other",
      message: `${special.length} special file(s) (devices, FIFOs, sockets) were archived but cannot be restored from a build context: recreate them with mknod or mkfifo if the service needs them: ${listPaths(special)}.`,
    });
  }
  if (brokenLinks.length) {
    warnings.push({
      kind: "other",
      message: `${brokenLinks.length} symbolic link(s) have no recorded target and were left out: ${listPaths(brokenLinks)}.`,
    });
  }

  return {
    accountFiles: ACCOUNT_FILES.filter((path) => accountFiles.has(path)),
    payloadEntries,
    symlinks,
    metadataEntries: sorted,
    deletions,
    ancestors,
    warnings,
  };
}
