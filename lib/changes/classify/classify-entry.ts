// One changed path -> one category, with the fact that decided it in words a sysadmin reads. Pure.
// Order matters: the first matching step wins (a backup of /etc/passwd is runtime, not account).

import type { Category, PackageFacts, RawEntry } from "@/lib/changes/classify/types";

export type Classification = { category: Category; reason: string };

export type ClassifyFacts = {
  pkg?: PackageFacts | null;
  /** The file's first bytes look like a private key (see looksLikePrivateKey). */
  looksLikePrivateKey?: boolean;
  /** The Docker engine writes this path into every container (/etc/hosts, /etc/hostname, /etc/resolv.conf). */
  engineManaged?: boolean;
};

const RUNTIME_TREES: { dir: string; reason: string }[] = [
  { dir: "/proc", reason: "kernel process information under /proc" },
  { dir: "/sys", reason: "kernel and device information under /sys" },
  { dir: "/dev", reason: "device nodes under /dev" },
  { dir: "/run", reason: "runtime state under /run" },
  { dir: "/var/run", reason: "runtime state under /var/run" },
  { dir: "/var/lock", reason: "lock file under /var/lock: the service takes it again when it starts" },
  { dir: "/tmp", reason: "temporary file under /tmp" },
  { dir: "/var/tmp", reason: "temporary file under /var/tmp" },
  { dir: "/var/cache", reason: "cache under /var/cache" },
  { dir: "/var/lib/apt/lists", reason: "package index downloaded by apt update" },
  { dir: "/root/.cache", reason: "cache under /root/.cache" },
];
// Keyed by first folder ("var"), so a path is checked against at most a few trees.
const RUNTIME_TREES_BY_ROOT = new Map<string, { dir: string; reason: string }[]>();
for (const tree of RUNTIME_TREES) {
  const root = tree.dir.split("/")[1] ?? "";
  RUNTIME_TREES_BY_ROOT.set(root, [...(RUNTIME_TREES_BY_ROOT.get(root) ?? []), tree]);
}
const RUNTIME_EXTENSIONS = new Map([
  [".pid", "pid file: the service writes a new one when it starts"],
  [".sock", "socket: the service recreates it when it starts"],
  [".bak", "backup copy (.bak)"],
  [".swp", "editor swap file"],
  [".dpkg-old", "old configuration kept aside by dpkg"],
  [".dpkg-dist", "package's proposed configuration kept aside by dpkg"],
  [".ucf-old", "old configuration kept aside by ucf"],
]);

// Lock files count as runtime only where services keep their state: in /home, /srv, /opt or /var/www a
// "*.lock" is usually a project's dependency lock (Gemfile.lock), which is data.
const LOCK_TREES = ["/run", "/var/run", "/var/lock", "/var/lib", "/var/spool"];
const LOCK_EXTENSIONS = new Set([".lock", ".lck", ".lockfile"]);
const LOCK_NAMES = new Set(["lock", "LOCK", ".lock", "lock-frontend"]);
const DEPENDENCY_LOCKS = new Set([
  "yarn.lock",
  "Gemfile.lock",
  "composer.lock",
  "Cargo.lock",
  "poetry.lock",
  "Pipfile.lock",
  "flake.lock",
  "mix.lock",
  "pubspec.lock",
  "Podfile.lock",
  "bun.lock",
]);
// State a service rewrites at every start, found under /var/lib and /var/spool beside real data.
const RUNTIME_FILES = new Map([["/var/lib/dovecot/instances", "Dovecot's list of running instances: rewritten when Dovecot starts"]]);
// What is inside is runtime; the folder itself is kept (the service writes into it).
const RUNTIME_FOLDER_CONTENTS = [{ prefix: "/var/spool/postfix/pid/", reason: "Postfix pid and lock file: rewritten when Postfix starts" }];
const RUNTIME_NAMES_UNDER_VAR_LIB = new Map([
  ["postmaster.opts", "PostgreSQL's record of its last start options: rewritten at every start"],
]);
const LOG_FOLDER_NAMES = new Set(["log", "logs"]);
// "app.log", "app.log.1", "app.log.2.gz": a log and its rotations.
const LOG_NAME = /\.log(?:\.\d+)?(?:\.(?:gz|bz2|xz|zst))?$/;

const SLASH = 0x2f;
const TILDE = 0x7e;
const DASH = 0x2d;
const ACCOUNT_FILES = ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/subuid", "/etc/subgid"];
const PRIVATE_KEY_NAMES = new Set(["id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_dsa"]);
const SECRET_EXTENSIONS = new Map([
  [".pem", "may hold a private key (.pem)"],
  [".key", "looks like a private key (.key)"],
  [".p12", "certificate bundle with a private key (.p12)"],
  [".pfx", "certificate bundle with a private key (.pfx)"],
  [".keystore", "Java keystore (.keystore)"],
  [".jks", "Java keystore (.jks)"],
]);
const SSH_HOST_KEY = /^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/;
// ".env.example" and friends are templates meant to be shared.
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist)$/;

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(dir) && (path.length === dir.length || path.charCodeAt(dir.length) === SLASH);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** ".pid" for "smbd.pid", "" without a dot. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(dot);
}

function rootOf(path: string): string {
  const slash = path.indexOf("/", 1);
  return slash === -1 ? path.slice(1) : path.slice(1, slash);
}

function lockReason(path: string, name: string, ext: string): string | null {
  if (!LOCK_NAMES.has(name) && !LOCK_EXTENSIONS.has(ext)) return null;
  if (DEPENDENCY_LOCKS.has(name) || !LOCK_TREES.some((tree) => isUnder(path, tree))) return null;
  return "lock file: the service takes it again when it starts";
}

// Map lookups and char codes rather than a dozen endsWith calls: this runs for every entry.
function runtimeReason(entry: RawEntry, name: string, ext: string): string | null {
  const { path } = entry;
  // A deleted entry's type is unknown ("other"): only a present one is a special file.
  if (entry.type === "other" && entry.kind !== "deleted") {
    if (ext === ".sock" || ext === ".socket") return "socket: the service recreates it when it starts";
    return "socket, FIFO or device node: the service recreates it when it starts (an archive cannot hold one)";
  }
  const trees = RUNTIME_TREES_BY_ROOT.get(rootOf(path));
  if (trees) for (const tree of trees) if (isUnder(path, tree.dir)) return tree.reason;
  if (path.includes("/.cache/") || name === ".cache") return "cache under a .cache folder";
  if (path.includes("/__pycache__/") || name === "__pycache__") return "compiled Python cache";
  if (path === "/etc/ld.so.cache") return "library cache rebuilt by ldconfig";
  const byExtension = RUNTIME_EXTENSIONS.get(ext);
  if (byExtension) return byExtension;
  if (entry.type !== "dir") {
    const lock = lockReason(path, name, ext);
    if (lock) return lock;
    if (path.startsWith("/var/lib/")) {
      const known = RUNTIME_FILES.get(path) ?? RUNTIME_NAMES_UNDER_VAR_LIB.get(name);
      if (known) return known;
    }
    if (path.startsWith("/var/")) for (const folder of RUNTIME_FOLDER_CONTENTS) if (path.startsWith(folder.prefix)) return folder.reason;
  }
  const last = name.charCodeAt(name.length - 1);
  if (last === TILDE) return "editor backup copy";
  if (last === DASH && ACCOUNT_FILES.includes(path.slice(0, -1))) return `backup copy of ${path.slice(0, -1)}`;
  return null;
}

function accountReason(entry: RawEntry, name: string): string | null {
  const { path } = entry;
  if (!path.startsWith("/etc/") && !path.startsWith("/var/lib/samba/")) return null;
  if (ACCOUNT_FILES.includes(path)) return `account database (${path})`;
  if (path === "/etc/sudoers" || (path.startsWith("/etc/sudoers.d/") && entry.type !== "dir")) return `sudo permissions (${path})`;
  if (path.startsWith("/var/lib/samba/") && (name === "passdb.tdb" || name === "secrets.tdb")) return `Samba account database (${name})`;
  // Only the data file: /usr/bin/smbpasswd is the tool of the same name.
  if (name === "smbpasswd" && entry.type !== "dir" && (isUnder(path, "/etc") || isUnder(path, "/var/lib/samba")))
    return `Samba password file (${path})`;
  return null;
}

function secretReason(entry: RawEntry, name: string, ext: string, facts: ClassifyFacts): string | null {
  // A link or a folder holds no key material itself, and a deletion leaks nothing.
  if (entry.type === "dir" || entry.type === "symlink" || entry.kind === "deleted") return null;
  if (SSH_HOST_KEY.test(entry.path)) return "SSH host key: the server's identity, which its clients check";
  if (isUnder(entry.path, "/etc/ssl/private"))
    return "TLS private key (/etc/ssl/private): the service's certificate is worthless without it";
  if (PRIVATE_KEY_NAMES.has(name)) return `looks like a private key (${name})`;
  const byExtension = SECRET_EXTENSIONS.get(ext);
  if (byExtension) return byExtension;
  if (name === ".env" || (name.startsWith(".env.") && !ENV_TEMPLATE.test(name)))
    return `environment file that often holds passwords (${name})`;
  if (facts.looksLikePrivateKey) return "file content looks like a private key";
  return null;
}

function packageClassification(entry: RawEntry, pkg: PackageFacts): Classification {
  const owner = pkg.owner;
  if (entry.kind === "deleted") return { category: "config", reason: `file of package ${owner}, deleted after install` };
  if (pkg.unchanged === true) return { category: "package-unchanged", reason: `owned by package ${owner}, unchanged` };
  if (pkg.unchanged === null) return { category: "config", reason: `owned by package ${owner} (content not checked)` };
  if (pkg.conffile) return { category: "config", reason: `edited conffile of package ${owner}` };
  return { category: "config", reason: `file of package ${owner} modified after install` };
}

/**
 * A log by where it lives: anything under /var/log, or a "*.log" file (or its rotation) in a folder named
 * log or logs that no package owns. Not Dovecot's mailbox indexes (dovecot.index.log), not git's files
 * (.git/logs/ holds reflogs, hooks may write push.log): those are data.
 */
function logReason(entry: RawEntry, name: string, pkg: PackageFacts | null | undefined): string | null {
  const { path } = entry;
  if (isUnder(path, "/var/log")) return entry.type === "dir" ? "log folder under /var/log" : "log under /var/log";
  if (pkg || name.startsWith("dovecot")) return null;
  // Cheap tests first: this runs for nearly every entry.
  if (entry.type === "dir" ? !LOG_FOLDER_NAMES.has(name) : !name.includes(".log") || !LOG_NAME.test(name)) return null;
  const folders = path.split("/").slice(1, -1);
  if (folders.some((folder) => folder === ".git" || folder.endsWith(".git"))) return null;
  if (entry.type === "dir") return `log folder (${name})`;
  const parent = folders.findLast((folder) => LOG_FOLDER_NAMES.has(folder));
  return parent ? `log file in a ${parent} folder` : null;
}

function otherReason(entry: RawEntry): string {
  const what = entry.type === "dir" ? "folder" : "data";
  if (entry.source === "volume") return `${what} in a volume`;
  if (entry.source === "bind") return `${what} in a bind mount`;
  return entry.type === "dir" ? "folder not from any package" : "not from any package";
}

export function classifyEntry(entry: RawEntry, facts: ClassifyFacts = {}): Classification {
  const name = baseName(entry.path);
  const ext = extensionOf(name);
  if (facts.engineManaged) return { category: "runtime", reason: "written by the Docker engine" };
  const runtime = runtimeReason(entry, name, ext);
  if (runtime) return { category: "runtime", reason: runtime };
  const account = accountReason(entry, name);
  if (account) return { category: "account", reason: account };
  const secret = secretReason(entry, name, ext, facts);
  if (secret) return { category: "secret-candidate", reason: secret };
  const log = logReason(entry, name, facts.pkg);
  if (log) return { category: "log", reason: log };
  // Folders carry no content to compare with the package: only their place decides.
  if (facts.pkg && entry.type !== "dir") return packageClassification(entry, facts.pkg);
  if (isUnder(entry.path, "/etc")) {
    return { category: "config", reason: entry.type === "dir" ? "configuration folder under /etc" : "configuration under /etc" };
  }
  return { category: "user-data", reason: otherReason(entry) };
}

const PRIVATE_KEY_HEADER = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|^PuTTY-User-Key-File-/m;

/** True when a file's first bytes hold a PEM/OpenSSH/PGP private key or a PuTTY key. */
export function looksLikePrivateKey(head: string): boolean {
  return PRIVATE_KEY_HEADER.test(head);
}
