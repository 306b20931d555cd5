// kura/restore.sh: the POSIX sh script (dash, busybox sh) that finishes a restore inside the new
// image, as root, after the payload and account files were copied in. Steps:
//   1. merge the archived accounts into /etc/passwd, group, shadow, gshadow (never overwriting)
//   2. delete what the archived container had deleted
//   3. create the symbolic links and 4. apply owner (by name when the name exists, else the
//      number), mode and mtime to every archived file and folder: one perl process
//      (apply-metadata.pl over entries.nul), or the sourced plain-sh fallback (metadata.sh)
//   5. apply the migration rules the plan selected, each guarded by its source path and, when the
//      new version was unknown at plan time, by dpkg --compare-versions
//   6. folder times (deepest first, after every write), summary, /kura/restore-report.txt
// `restore.sh snapshot` (run before the payload copy) records owner, mode and time of the base's
// folders above the payload; the restore puts them back. Warnings never fail the build; a step
// that cannot run at all does (set -eu).
// Test hooks: KURA_ROOT stands for "/" (a temp folder in tests), KURA_DIR for /kura, KURA_NO_PERL=1
// forces the fallback. All three are unset in the image.

import type { Manifest } from "@/lib/archives/manifest";
import type { RuleMatch } from "@/lib/restores/plan/match-migration-rules";
import { printable, shellQuote } from "@/lib/restores/plan/quote-shell";
import { parseVersionRange, type VersionOperator } from "@/lib/restores/plan/version-range";

export type GenerateRestoreScriptOptions = {
  manifest: Pick<Manifest, "archive" | "container">;
  baseImage: string;
  deletions: readonly string[];
  ancestors: readonly string[];
  /** Rules with status "applies" or "checked-at-build" (others are ignored). */
  rules: readonly RuleMatch[];
  entryCount: number;
};

const DPKG_OPERATOR: Record<VersionOperator, string> = { "<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">": "gt" };

// Static parts. In these template literals \${ is the shell's ${ and \\ a single backslash.
const PRELUDE = `set -eu
umask 022
R="\${KURA_ROOT:-}"
K="\${KURA_DIR:-/kura}"
REPORT="$K/restore-report.txt"
TMPD="$K/tmp"
phase="\${1:-restore}"
groups_added=0
users_added=0
deleted=0
rules_applied=0
links=0

say() { printf 'kura-restore: %s\\n' "$1"; printf '%s\\n' "$1" >> "$REPORT"; }
log() { printf '%s\\n' "$1" >> "$REPORT"; }
warn() { printf 'kura-restore: WARNING %s\\n' "$1" >&2; printf 'WARNING %s\\n' "$1" >> "$REPORT"; }

# Copy new over live keeping live's mode and owner (cat >, not mv); a new file is made 0600.
kura_install() {
  if [ -e "$2" ]; then cat "$1" > "$2"; else (umask 077 && cat "$1" > "$2"); fi
}

# The folders above the payload: "snapshot" records them before the payload copy, "restore" puts
# their owner and mode back, "times" their modification time.
kura_ancestor() {
  kura_n=$((kura_n + 1))
  kura_saved="$K/before/$kura_n"
  case "$kura_step" in
    snapshot)
      if [ -d "$R$1" ] && [ ! -L "$R$1" ]; then
        stat -c '%a %u %g' -- "$R$1" > "$kura_saved" && touch -r "$R$1" "$kura_saved" || warn "could not record the owner and mode of $1"
      fi ;;
    restore)
      if [ -f "$kura_saved" ] && [ -d "$R$1" ] && [ ! -L "$R$1" ]; then
        read -r kura_mode kura_uid kura_gid < "$kura_saved" || true
        chown -- "$kura_uid:$kura_gid" "$R$1" || warn "could not restore the owner of $1"
        chmod -- "0$kura_mode" "$R$1" || warn "could not restore the mode of $1"
      fi ;;
    times)
      if [ -f "$kura_saved" ] && [ -d "$R$1" ] && [ ! -L "$R$1" ]; then
        touch -r "$kura_saved" -- "$R$1" || warn "could not restore the modification time of $1"
      fi ;;
  esac
}

kura_delete() {
  if [ -e "$R$1" ] || [ -L "$R$1" ]; then
    if rm -rf -- "$R$1"; then deleted=$((deleted + 1)); log "deleted $1"; else warn "could not delete $1"; fi
  fi
}

# Plain-sh fallback of apply-metadata.pl (metadata.sh calls these).
kura_id() {
  if [ -n "$2" ]; then
    kura_found=$(KURA_NAME="$2" awk -F: '$1 == ENVIRON["KURA_NAME"] { print $3; exit }' "$R/etc/$1" 2>/dev/null || true)
    if [ -n "$kura_found" ]; then printf '%s' "$kura_found"; return 0; fi
  fi
  printf '%s' "$3"
}
kura_link() {
  kura_p="$R$2"
  if [ -d "$kura_p" ] && [ ! -L "$kura_p" ]; then warn "$2 is a folder in the new image, so the archived symbolic link to $1 was not created"; return 0; fi
  kura_parent="\${kura_p%/*}"
  if [ -n "$kura_parent" ] && ! mkdir -p -- "$kura_parent"; then warn "cannot create the folders above $2"; return 0; fi
  if ! ln -sfn -- "$1" "$kura_p"; then warn "cannot create the symbolic link $2 -> $1"; return 0; fi
  if [ "$3" != 0 ] || [ "$4" != 0 ]; then chown -h -- "$3:$4" "$kura_p" || warn "cannot change the owner of the symbolic link $2"; fi
  links=$((links + 1))
}
# Batched: one chown, chmod or touch per value for up to 256 paths (metadata.sh, dir-times.sh).
kura_chown() {
  kura_owner="$1:$2"
  shift 2
  kura_keep warn "$@"
  if [ -n "$kura_kept" ]; then eval "chown -- \\"\\$kura_owner\\" $kura_kept" || warn "chown to $kura_owner failed for some of the paths above"; fi
}
kura_chmod() {
  kura_mode="$1"
  shift
  kura_keep quiet "$@"
  if [ -n "$kura_kept" ]; then eval "chmod -- \\"\\$kura_mode\\" $kura_kept" || warn "chmod $kura_mode failed for some of the paths above"; fi
}
kura_touch() {
  kura_stamp="$1"
  shift
  kura_keep quiet "$@"
  if [ -n "$kura_kept" ]; then eval "TZ=UTC0 touch -c -t \\"\\$kura_stamp\\" -- $kura_kept" || warn "setting modification times failed for some of the paths above"; fi
}
# Builds kura_kept, a list of quoted references to kura_k<N> variables holding the existing,
# non-link paths (prefixed with $R), so that eval passes them as separate arguments unchanged.
kura_keep() {
  kura_report="$1"
  shift
  kura_kept=""
  kura_i=0
  for kura_path in "$@"; do
    kura_p="$R$kura_path"
    if [ -L "$kura_p" ]; then
      if [ "$kura_report" = warn ]; then warn "$kura_path is a symbolic link in the new image; its owner and mode were not restored"; fi
    elif [ -e "$kura_p" ]; then
      kura_i=$((kura_i + 1))
      eval "kura_k$kura_i=\\$kura_p"
      kura_kept="$kura_kept \\"\\$kura_k$kura_i\\""
    elif [ "$kura_report" = warn ]; then
      warn "$kura_path is missing from the image, so its owner and mode were not restored"
    fi
  done
}

# Migration rules.
kura_pkg_version() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query --admindir="$R/var/lib/dpkg" -W -f='\${Version}' "$1" 2>/dev/null || true
  fi
}
# version operator reference strip-epoch(1|0): dpkg --compare-versions, the epoch dropped when the
# rule's version has none (see version-range.ts).
kura_vcmp() {
  kura_v="$1"
  if [ "$4" = 1 ]; then kura_v="\${kura_v#*:}"; fi
  dpkg --compare-versions "$kura_v" "$2" "$3"
}
kura_move() {
  kura_src="$R$1"
  kura_dst="$R$2"
  if [ -d "$kura_src" ] && [ ! -L "$kura_src" ] && [ -d "$kura_dst" ] && [ ! -L "$kura_dst" ]; then
    cp -a -- "$kura_src/." "$kura_dst/" && rm -rf -- "$kura_src"
    return
  fi
  if [ -e "$kura_dst" ] || [ -L "$kura_dst" ]; then
    rm -rf -- "$kura_dst.kura-before-migration"
    mv -- "$kura_dst" "$kura_dst.kura-before-migration"
    say "kept the new base's $2 as $2.kura-before-migration"
  fi
  kura_parent="\${kura_dst%/*}"
  if [ -n "$kura_parent" ]; then mkdir -p -- "$kura_parent"; fi
  mv -- "$kura_src" "$kura_dst"
}
kura_rename_key() {
  kura_changed=$(KURA_FROM="$2" KURA_TO="$3" KURA_OUT="$TMPD/rename-key.out" awk -f "$K/rename-key.awk" "$R$1")
  if [ "$kura_changed" -gt 0 ]; then cat "$TMPD/rename-key.out" > "$R$1"; fi
  rm -f -- "$TMPD/rename-key.out"
}
`;

const MERGE_ACCOUNTS = `# 1. Accounts: add the archived users and groups the new base lacks (merge-*.awk), keep the rest.
kura_merge_log() {
  while IFS= read -r kura_line; do
    case "$kura_line" in
      "ADDED group "*) groups_added=$((groups_added + 1)); say "added \${kura_line#ADDED }" ;;
      "ADDED user "*) users_added=$((users_added + 1)); say "added \${kura_line#ADDED }" ;;
      "WARNING "*) warn "\${kura_line#WARNING }" ;;
      "INFO "*) say "\${kura_line#INFO }" ;;
      *) say "$kura_line" ;;
    esac
  done < "$1"
}
A="$K/accounts"
# kura_merge_accounts FILE SHADOW PROGRAM WHAT: merge accounts/FILE (and SHADOW) into /etc with merge-PROGRAM.awk.
kura_merge_accounts() {
  [ -f "$A/$1" ] || return 0
  rm -f -- "$TMPD/$1.new" "$TMPD/$2.new"
  if ! ARCHIVED="$A/$1" ARCHIVED_SHADOW="$A/$2" LIVE="$R/etc/$1" LIVE_SHADOW="$R/etc/$2" \\
      OUT="$TMPD/$1.new" OUT_SHADOW="$TMPD/$2.new" awk -f "$K/$3" > "$TMPD/$1.log"; then
    cat "$TMPD/$1.log" >&2
    echo "kura-restore: ERROR the $4 merge failed" >&2
    exit 1
  fi
  kura_merge_log "$TMPD/$1.log"
  if [ -f "$TMPD/$1.new" ]; then kura_install "$TMPD/$1.new" "$R/etc/$1"; fi
  if [ -f "$TMPD/$2.new" ]; then kura_install "$TMPD/$2.new" "$R/etc/$2"; fi
}
kura_merge_accounts group gshadow merge-groups.awk group
kura_merge_accounts passwd shadow merge-users.awk user
if [ ! -f "$A/group" ] && [ ! -f "$A/passwd" ]; then log "no archived account files: accounts left as the base has them"; fi
`;

const METADATA = `# 3 and 4. Symbolic links, then owner, mode and time of every archived file and folder.
kura_step=restore
kura_n=0
kura_ancestors
if [ -z "\${KURA_NO_PERL:-}" ] && command -v perl >/dev/null 2>&1; then
  perl "$K/apply-metadata.pl" meta
  kura_perl=1
else
  say "perl is not available: applying owners and modes with the slower shell fallback"
  . "$K/metadata.sh"
  kura_perl=0
fi
`;

/** One shell word joining literal text (single-quoted) and "$variables": never interpreted by the shell. */
function words(...parts: (string | { variable: string })[]): string {
  return parts.map((part) => (typeof part === "string" ? shellQuote(part) : `"$${part.variable}"`)).join("");
}

function ruleFunction(match: RuleMatch, index: number): string[] {
  const { rule } = match;
  const name = `kura_rule_${index}`;
  const id = printable(rule.id);
  const action = rule.action;
  const source = action.kind === "move" ? action.from : action.kind === "rename-key" ? action.file : action.path;
  const lines = [`# ${id}: ${printable(rule.package)} ${printable(rule.fromVersions)} -> ${printable(rule.toVersions)} (${match.status})`, `${name}() {`];
  const q = shellQuote;
  lines.push(`  if [ ! -e "$R"${q(source)} ] && [ ! -L "$R"${q(source)} ]; then log ${q(`migration rule ${id}: ${source} is not there, nothing to do`)}; return 0; fi`);
  if (match.status === "checked-at-build") {
    const range = parseVersionRange(rule.toVersions);
    const clauses = range.ok ? range.range.clauses : [];
    lines.push(
      `  if ! command -v dpkg-query >/dev/null 2>&1; then warn ${q(`migration rule ${id} skipped: dpkg is not available to check the new ${rule.package} version`)}; return 0; fi`,
      `  kura_version=$(kura_pkg_version ${q(rule.package)})`,
      `  if [ -z "$kura_version" ]; then say ${q(`migration rule ${id} skipped: ${rule.package} is not installed in the new image`)}; return 0; fi`,
    );
    for (const clause of clauses) {
      const strip = /^\d+:/.test(clause.version) ? 0 : 1;
      lines.push(
        `  if ! kura_vcmp "$kura_version" ${DPKG_OPERATOR[clause.op]} ${q(clause.version)} ${strip}; then say ${words(`migration rule ${id} skipped: ${rule.package} `, { variable: "kura_version" }, ` is outside ${rule.toVersions}`)}; return 0; fi`,
      );
    }
  }
  switch (action.kind) {
    case "move":
      lines.push(`  kura_move ${q(action.from)} ${q(action.to)}`, `  say ${q(`migration rule ${id}: moved ${action.from} to ${action.to}`)}`);
      break;
    case "rename-key":
      lines.push(
        `  if [ ! -f "$R"${q(action.file)} ]; then warn ${q(`migration rule ${id} skipped: ${action.file} is not a regular file`)}; return 0; fi`,
        `  kura_rename_key ${q(action.file)} ${q(action.from)} ${q(action.to)}`,
        `  say ${words(`migration rule ${id}: renamed ${action.from} to ${action.to} on `, { variable: "kura_changed" }, ` line(s) of ${action.file}`)}`,
      );
      break;
    case "delete":
      lines.push(`  rm -rf -- "$R"${q(action.path)}`, `  say ${q(`migration rule ${id}: deleted ${action.path}`)}`);
      break;
  }
  lines.push("  rules_applied=$((rules_applied + 1))", "}");
  return lines;
}

export function generateRestoreScript(options: GenerateRestoreScriptOptions): string {
  const { manifest, deletions, ancestors } = options;
  const rules = options.rules.filter((match) => match.status === "applies" || match.status === "checked-at-build");
  const parts: string[] = [];
  parts.push(
    "#!/bin/sh",
    `# Generated by Kura: finishes restoring the archive "${printable(manifest.archive.name)}" (${printable(manifest.archive.id)}) of the container`,
    `# "${printable(manifest.container.name)}" on ${printable(options.baseImage)}. Runs as root inside the image (see the Dockerfile); POSIX sh.`,
    "# Writes what it did to /kura/restore-report.txt; warnings do not fail the build.",
    PRELUDE,
    "kura_ancestors() {",
    "  kura_n=0",
    ...ancestors.map((path) => `  kura_ancestor ${shellQuote(path)}`),
    "  :",
    "}",
    'mkdir -p "$TMPD"',
    'if [ "$phase" = snapshot ]; then',
    '  rm -rf -- "$K/before" && mkdir -p "$K/before"',
    "  if command -v stat >/dev/null 2>&1; then kura_step=snapshot; kura_ancestors; else echo 'kura-restore: stat is missing; folder owners and modes above the payload are not recorded' >&2; fi",
    "  exit 0",
    "fi",
    ': > "$REPORT"',
    `say ${shellQuote(`restoring ${printable(manifest.container.name)} (archive ${printable(manifest.archive.id)}): ${options.entryCount} entries, ${deletions.length} deletion(s), ${rules.length} migration rule(s)`)}`,
    "",
    MERGE_ACCOUNTS,
    "# 2. Deletions: what the archived container had deleted from its image.",
    "kura_deletions() {",
    ...deletions.map((path) => `  kura_delete ${shellQuote(path)}`),
    "  :",
    "}",
    "kura_deletions",
    'if [ "$deleted" -gt 0 ]; then say "deleted $deleted path(s) the archived container had deleted"; fi',
    "",
    METADATA,
    "# 5. Migration rules selected by the plan.",
  );
  rules.forEach((match, index) => parts.push(...ruleFunction(match, index + 1), `kura_rule_${index + 1}`));
  parts.push(
    "",
    "# 6. Folder times last, deepest first, then the summary.",
    "if [ \"$kura_perl\" = 1 ]; then perl \"$K/apply-metadata.pl\" dirtimes; else . \"$K/dir-times.sh\"; fi",
    "kura_step=times",
    "kura_ancestors",
    'rm -rf -- "$TMPD" "$K/before"',
    "kura_warnings=$(grep -c '^WARNING' \"$REPORT\" || true)",
    'say "done: $groups_added group(s) and $users_added user(s) added, $deleted path(s) deleted, $rules_applied migration rule(s) applied, $kura_warnings warning(s); see $REPORT"',
    "exit 0",
    "",
  );
  return parts.join("\n");
}
