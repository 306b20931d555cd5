// What the distribution told admins between the archived and the new version of each package
// (issue 14, item 3): the entries of /usr/share/doc/PKG/NEWS.Debian, which has the changelog format
// (deb-changelog(5)):
//   SOURCE (VERSION) DISTRIBUTIONS; urgency=URGENCY
//   <blank>
//     text, indented by two spaces
//   <blank>
//    -- NAME <EMAIL>  DATE
// An entry is shown when archived version < entry version <= new version. Pure.

import { compareDebianVersions, isValidDebianVersion } from "@/lib/restores/plan/compare-debian-versions";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";

export type NewsEntry = {
  /** The source package the entry names ("openssh" for openssh-server). */
  source: string;
  version: string;
  distribution: string;
  /** The entry's text, its two-space indentation removed. */
  text: string;
  /** " -- NAME <EMAIL>" and the date, as written; empty when the trailer is missing. */
  author: string;
  date: string;
};

export type PackageNews = {
  /** The installed package, and others of the stage that ship the same NEWS.Debian (openssh-client, ...). */
  package: string;
  alsoIn: string[];
  fromVersion: string;
  toVersion: string;
  /** Newest first, as the file lists them. */
  entries: NewsEntry[];
};

const HEADER = /^(\S+) \(([^()\s]+)\) ([^;]*);.*$/;
const TRAILER = /^ -- (.*?)(?: {2}|\t)(.*)$/;
const MAX_NEWS_LENGTH = 1024 * 1024;

/** The entries of a NEWS.Debian or changelog text, in file order. Lines outside entries are skipped. */
export function parseNewsDebian(text: string): NewsEntry[] {
  const entries: NewsEntry[] = [];
  let current: (Omit<NewsEntry, "text"> & { lines: string[] }) | null = null;
  const close = () => {
    if (!current) return;
    const lines = current.lines;
    while (lines.length && lines[0]!.trim() === "") lines.shift();
    while (lines.length && lines[lines.length - 1]!.trim() === "") lines.pop();
    const { lines: _lines, ...rest } = current;
    entries.push({ ...rest, text: lines.map((line) => line.replace(/^ {2}/, "").trimEnd()).join("\n") });
    current = null;
  };
  for (const line of text.slice(0, MAX_NEWS_LENGTH).split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header) {
      close();
      current = { source: header[1]!, version: header[2]!, distribution: header[3]!.trim(), author: "", date: "", lines: [] };
      continue;
    }
    if (!current) continue;
    const trailer = TRAILER.exec(line);
    if (trailer) {
      current.author = trailer[1]!.trim();
      current.date = trailer[2]!.trim();
      close();
      continue;
    }
    current.lines.push(line);
  }
  close();
  return entries;
}

/** The entries with from < version <= to (invalid versions are left out). */
export function entriesBetween(entries: readonly NewsEntry[], from: string, to: string): NewsEntry[] {
  if (!isValidDebianVersion(from) || !isValidDebianVersion(to)) return [];
  return entries.filter(
    (entry) =>
      isValidDebianVersion(entry.version) &&
      compareDebianVersions(entry.version, from) > 0 &&
      compareDebianVersions(entry.version, to) <= 0,
  );
}

export type NewsBetweenVersionsOptions = {
  stage: Pick<PackageStageFacts, "packages">;
  /** Package name -> archived version (manifest.packages). */
  archivedPackages: Readonly<Record<string, string>>;
};

/**
 * For every package of the stage that was archived under the same name and ships a NEWS.Debian,
 * the entries between the two versions; packages with none are left out. A NEWS.Debian shipped
 * identically by several packages of one source is listed once, with the others in alsoIn.
 */
export function newsBetweenVersions({ stage, archivedPackages }: NewsBetweenVersionsOptions): PackageNews[] {
  const result: PackageNews[] = [];
  const byText = new Map<string, PackageNews>();
  for (const name of Object.keys(stage.packages).sort()) {
    const pkg = stage.packages[name]!;
    const from = Object.prototype.hasOwnProperty.call(archivedPackages, name) ? archivedPackages[name] : undefined;
    if (pkg.news === null || from === undefined) continue;
    const entries = entriesBetween(parseNewsDebian(pkg.news), from, pkg.version);
    if (!entries.length) continue;
    const key = JSON.stringify(entries);
    const same = byText.get(key);
    if (same) {
      same.alsoIn.push(name);
      continue;
    }
    const news: PackageNews = { package: name, alsoIn: [], fromVersion: from, toVersion: pkg.version, entries };
    byText.set(key, news);
    result.push(news);
  }
  return result;
}
