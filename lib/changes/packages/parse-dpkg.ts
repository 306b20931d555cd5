// dpkg's and apt's database files, parsed from their text. Pure: callers read the files.

export type DpkgPackage = {
  name: string;
  version: string;
  architecture: string;
  /** The Status field, e.g. "install ok installed". */
  status: string;
  /** "required", "important", "standard", "optional", "extra" or "" when absent. */
  priority: string;
  essential: boolean;
  /** Conffile path -> md5 of the packaged version (dpkg writes "newconffile" before first install). */
  conffiles: Map<string, string>;
  /** Names in Depends and Pre-Depends (every alternative, without versions or ":arch"). */
  depends: string[];
  /** Names in Recommends (apt installs them by default). */
  recommends: string[];
  /** Virtual names the package provides (logrotate depends on "cron | cron-daemon"). */
  provides: string[];
};

type Stanza = Map<string, string>;

/** RFC822-like stanzas: "Field: value", continuation lines start with a space or tab. */
function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = new Map();
  let field: string | null = null;
  const flush = () => {
    if (current.size) stanzas.push(current);
    current = new Map();
    field = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") {
      flush();
    } else if (line.startsWith(" ") || line.startsWith("\t")) {
      if (field !== null) current.set(field, `${current.get(field) ?? ""}\n${line.slice(1)}`);
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      field = line.slice(0, colon).trim().toLowerCase();
      current.set(field, line.slice(colon + 1).trim());
    }
  }
  flush();
  return stanzas;
}

/** "libc6:amd64" -> "libc6": file names and some fields qualify a package by architecture. */
function bareName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(0, colon);
}

// Held packages ("hold ok installed") are installed too.
const INSTALLED = /^(install|hold) ok installed$/;

function parseConffiles(value: string): Map<string, string> {
  const conffiles = new Map<string, string>();
  for (const raw of value.split("\n")) {
    // " /etc/x.conf <md5> [obsolete] [remove-on-upgrade]"; the path itself may hold spaces.
    const words = raw.trim().split(/\s+/);
    while (words.length > 2 && (words.at(-1) === "obsolete" || words.at(-1) === "remove-on-upgrade")) words.pop();
    if (words.length < 2) continue;
    const hash = words.pop() as string;
    const path = words.join(" ");
    if (path.startsWith("/")) conffiles.set(path, hash);
  }
  return conffiles;
}

const RELATION_NAME = /^\s*([a-z0-9][a-z0-9+.-]*)/;

/** "libc6 (>= 2.14), cron | anacron, libfoo:any" -> ["libc6", "cron", "anacron", "libfoo"]. */
export function parseRelationNames(value: string | undefined): string[] {
  if (!value) return [];
  const names = new Set<string>();
  for (const alternative of value.split(/[,|]/)) {
    const name = RELATION_NAME.exec(alternative)?.[1];
    if (name) names.add(name);
  }
  return [...names];
}

/** /var/lib/dpkg/status -> installed packages by name (without ":arch"). */
export function parseDpkgStatus(text: string): Map<string, DpkgPackage> {
  const packages = new Map<string, DpkgPackage>();
  for (const stanza of parseStanzas(text)) {
    const name = bareName(stanza.get("package") ?? "");
    const status = (stanza.get("status") ?? "").replace(/\s+/g, " ");
    if (!name || !INSTALLED.test(status)) continue;
    if (packages.has(name)) continue; // multiarch twins (libc6:amd64 and :i386) share one name
    packages.set(name, {
      name,
      version: stanza.get("version") ?? "",
      architecture: stanza.get("architecture") ?? "",
      status,
      priority: (stanza.get("priority") ?? "").toLowerCase(),
      essential: (stanza.get("essential") ?? "").toLowerCase() === "yes",
      conffiles: parseConffiles(stanza.get("conffiles") ?? ""),
      depends: [...new Set([...parseRelationNames(stanza.get("pre-depends")), ...parseRelationNames(stanza.get("depends"))])],
      recommends: parseRelationNames(stanza.get("recommends")),
      provides: parseRelationNames(stanza.get("provides")),
    });
  }
  return packages;
}

/** /var/lib/dpkg/info/<pkg>.md5sums: "<md5>  <path without leading slash>" -> absolute path -> md5. */
export function parseMd5sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{32})\s+(.+)$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const path = match[2].startsWith("/") ? match[2] : `/${match[2]}`;
    sums.set(path, match[1].toLowerCase());
  }
  return sums;
}

/** /var/lib/dpkg/info/<pkg>.list: every path the package installed, folders included ("/." is "/"). */
export function parseDpkgList(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("/")) continue;
    paths.push(line === "/." ? "/" : line);
  }
  return paths;
}

/** "libc6:amd64.list" (or a full path to it) -> "libc6"; "libgtk2.0-0.md5sums" -> "libgtk2.0-0". */
export function packageNameOfInfoFile(fileName: string): string | null {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return null;
  return bareName(base.slice(0, dot)) || null;
}

/** /var/lib/apt/extended_states -> names of packages apt installed only as dependencies. */
export function parseExtendedStates(text: string): Set<string> {
  const auto = new Set<string>();
  for (const stanza of parseStanzas(text)) {
    const name = bareName(stanza.get("package") ?? "");
    if (name && stanza.get("auto-installed") === "1") auto.add(name);
  }
  return auto;
}
