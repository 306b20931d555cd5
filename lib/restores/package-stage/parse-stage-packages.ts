import { parseDpkgList, parseDpkgStatus } from "@/lib/changes/packages/parse-dpkg";
import type { StageConffile, StagePackage } from "./types";

// The packages stage's dpkg database as PackageStageFacts' packages (issue 14). Pure: read-package-stage.ts
// reads the files. Conffiles come from the status file's Conffiles field (path, md5 and the obsolete and
// remove-on-upgrade flags) and from /var/lib/dpkg/info/PKG.conffiles (dpkg 1.20+ writes flags there
// before the path: "remove-on-upgrade /etc/foo"), whichever names a path.

const SCRIPTS = ["preinst", "postinst", "prerm", "postrm"] as const;
type Script = (typeof SCRIPTS)[number];

/** A file of /var/lib/dpkg/info by its base name ("cron.list", "libc6:amd64.postinst"). */
export type InfoFiles = Map<string, string>;

/** " /etc/x.conf <md5> [obsolete] [remove-on-upgrade]" lines of the status file's Conffiles field. */
function statusConffiles(text: string): Map<string, StageConffile[]> {
  const byPackage = new Map<string, StageConffile[]>();
  let current: string | null = null;
  let inConffiles = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      current = null;
      inConffiles = false;
    } else if (!line.startsWith(" ") && !line.startsWith("\t")) {
      const colon = line.indexOf(":");
      const field = colon > 0 ? line.slice(0, colon).toLowerCase() : "";
      if (field === "package")
        current = line
          .slice(colon + 1)
          .trim()
          .replace(/:.*$/, "");
      inConffiles = field === "conffiles";
    } else if (inConffiles && current) {
      const words = line.trim().split(/\s+/);
      const flags = new Set<string>();
      while (words.length > 2 && (words.at(-1) === "obsolete" || words.at(-1) === "remove-on-upgrade")) flags.add(words.pop()!);
      if (words.length < 2) continue;
      const md5 = words.pop()!;
      const path = words.join(" ");
      if (!path.startsWith("/")) continue;
      const list = byPackage.get(current) ?? [];
      list.push({ path, md5, obsolete: flags.has("obsolete"), removeOnUpgrade: flags.has("remove-on-upgrade") });
      byPackage.set(current, list);
    }
  }
  return byPackage;
}

/** /var/lib/dpkg/info/PKG.conffiles: one path a line, optionally after flags ("remove-on-upgrade /etc/x"). */
function infoConffiles(text: string): { path: string; removeOnUpgrade: boolean }[] {
  return text.split("\n").flatMap((line) => {
    const trimmed = line.trim();
    const slash = trimmed.indexOf("/");
    if (slash === -1) return [];
    const flags = trimmed.slice(0, slash).trim().split(/\s+/);
    return [{ path: trimmed.slice(slash), removeOnUpgrade: flags.includes("remove-on-upgrade") }];
  });
}

/** The info file of a package, by plain or architecture-qualified name ("PKG.list" or "PKG:amd64.list"). */
function infoFile(info: InfoFiles, name: string, suffix: string): string | undefined {
  const plain = info.get(`${name}.${suffix}`);
  if (plain !== undefined) return plain;
  for (const [base, text] of info) if (base.startsWith(`${name}:`) && base.endsWith(`.${suffix}`)) return text;
  return undefined;
}

/** Every installed package of the stage with its version, conffiles, file list, maintainer scripts and NEWS.Debian. */
export function parseStagePackages(statusText: string, info: InfoFiles, news: Map<string, string>): Record<string, StagePackage> {
  const status = parseDpkgStatus(statusText);
  const fromStatus = statusConffiles(statusText);
  const packages: Record<string, StagePackage> = {};
  for (const pkg of status.values()) {
    const conffiles = new Map((fromStatus.get(pkg.name) ?? []).map((conffile) => [conffile.path, conffile]));
    for (const listed of infoConffiles(infoFile(info, pkg.name, "conffiles") ?? "")) {
      const known = conffiles.get(listed.path);
      if (known) known.removeOnUpgrade ||= listed.removeOnUpgrade;
      else conffiles.set(listed.path, { path: listed.path, md5: "", obsolete: false, removeOnUpgrade: listed.removeOnUpgrade });
    }
    const maintscripts: StagePackage["maintscripts"] = {};
    for (const script of SCRIPTS) {
      const text = infoFile(info, pkg.name, script);
      if (text !== undefined) maintscripts[script as Script] = text;
    }
    packages[pkg.name] = {
      name: pkg.name,
      version: pkg.version,
      conffiles: [...conffiles.values()],
      files: parseDpkgList(infoFile(info, pkg.name, "list") ?? ""),
      maintscripts,
      news: news.get(pkg.name) ?? null,
    };
  }
  return packages;
}

/** The NEWS.Debian path a package's file list names, preferring the compressed one (what Debian ships). */
export function newsPathOf(pkg: Pick<StagePackage, "name" | "files">): string | null {
  const base = `/usr/share/doc/${pkg.name}/NEWS.Debian`;
  if (pkg.files.includes(`${base}.gz`)) return `${base}.gz`;
  return pkg.files.includes(base) ? base : null;
}
