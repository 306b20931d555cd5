#!/bin/sh
# The functions below are called from the generated restore-plan.sh, metadata.sh and dir-times.sh,
# which shellcheck cannot follow:
# shellcheck disable=SC2317
# Kura's restore script (POSIX sh: dash, busybox sh). The archive's part of the work is in the
# generated restore-plan.sh beside it, which this script sources: kura_summary, kura_ancestors,
# kura_deletions, kura_rules.
#
# Nothing archived runs while the image is built. The Dockerfile copies the payload to the staging
# folder $R (/kura/stage), never to /, and this script works there with the base image's own tools
# (a fixed PATH, no environment hooks), without network:
#   1. merge the archived accounts with the base's /etc/passwd, group, shadow, gshadow into $R/etc
#      (never overwriting what the base has)
#   2. count what the archived container had deleted (the `delete` phase removes it, below)
#   3. create the symbolic links and 4. apply owner (by name when the name exists, else the number),
#      mode and mtime to every archived file and folder: one perl process (apply-metadata.pl over
#      entries.nul), or the sourced plain-sh fallback (metadata.sh)
#   5. apply the migration rules the plan selected, each guarded by its source path and, when the
#      new version was unknown at plan time, by dpkg --compare-versions
#   6. folder times (deepest first), then the folders above the payload get the base's owner, mode
#      and time back, summary, /kura/restore-report.txt
# The image's last stage then runs `restore.sh delete` on the base (before any archived file is
# there) and copies $R over / with COPY --from, which keeps owners, modes and times.
# Warnings never fail the build; a step that cannot run at all does (set -eu).
# Test hooks: KURA_ROOT stands for the base's "/", KURA_STAGE for $R, KURA_DIR for /kura, KURA_PATH
# for the PATH, KURA_NO_PERL=1 forces the fallback. None is set in the image.

set -eu
# The base's own tools only, found where the base keeps them; no start-up files or preloads.
PATH="${KURA_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}"
export PATH
unset ENV BASH_ENV CDPATH PERL5LIB PERLLIB PERL5OPT PERL5DB LD_PRELOAD LD_LIBRARY_PATH 2>/dev/null || true
umask 022
B="${KURA_ROOT:-}"
K="${KURA_DIR:-/kura}"
R="${KURA_STAGE:-$K/stage}"
REPORT="$K/restore-report.txt"
TMPD="$K/tmp"
phase="${1:-restore}"
groups_added=0
users_added=0
deleted=0
rules_applied=0
links=0
kura_step=count

say() { printf 'kura-restore: %s\n' "$1"; printf '%s\n' "$1" >> "$REPORT"; }
log() { printf '%s\n' "$1" >> "$REPORT"; }
warn() { printf 'kura-restore: WARNING %s\n' "$1" >&2; printf 'WARNING %s\n' "$1" >> "$REPORT"; }

# kura_install NEW BASE STAGED: the staged copy of a base file holds NEW with the base file's mode,
# owner and time (cp -p, then cat >); a file the base lacks is made 0600.
kura_install() {
  mkdir -p -- "${3%/*}"
  if [ -e "$2" ]; then
    cp -p -- "$2" "$3" && cat "$1" > "$3"
  else
    (umask 077 && cat "$1" > "$3")
  fi
}

# A folder above the payload (not archived itself) takes the base's owner, mode and time, since
# the copy over / applies the staged folder's. A folder the base lacks keeps root and 0755.
kura_ancestor() {
  if [ -d "$R$1" ] && [ ! -L "$R$1" ] && [ -d "$B$1" ] && [ ! -L "$B$1" ]; then
    if kura_owner_mode=$(stat -c '%a %u %g' -- "$B$1"); then
      read -r kura_mode kura_uid kura_gid <<EOF
$kura_owner_mode
EOF
      chown -- "$kura_uid:$kura_gid" "$R$1" || warn "could not restore the owner of ${1:-/}"
      chmod -- "0$kura_mode" "$R$1" || warn "could not restore the mode of ${1:-/}"
    else
      warn "could not read the owner and mode of ${1:-/} in the base"
    fi
    touch -r "$B$1" -- "$R$1" || warn "could not restore the modification time of ${1:-/}"
  fi
}

# Counted here (restore phase), removed from the base by the `delete` phase.
kura_delete() {
  if [ -e "$B$1" ] || [ -L "$B$1" ]; then
    if [ "$kura_step" = delete ]; then
      rm -rf -- "$B$1" || warn "could not delete $1"
    else
      deleted=$((deleted + 1))
      log "deleted $1"
    fi
  fi
}

# The merged account database NAME (passwd, group): the staged one, else the base's.
kura_accounts() {
  if [ -f "$R/etc/$1" ]; then printf '%s' "$R/etc/$1"; else printf '%s' "$B/etc/$1"; fi
}

# Plain-sh fallback of apply-metadata.pl (metadata.sh calls these).
kura_id() {
  if [ -n "$2" ]; then
    kura_found=$(KURA_NAME="$2" awk -F: '$1 == ENVIRON["KURA_NAME"] { print $3; exit }' "$(kura_accounts "$1")" 2>/dev/null || true)
    if [ -n "$kura_found" ]; then
      printf '%s' "$kura_found"
      return 0
    fi
  fi
  printf '%s' "$3"
}
kura_link() {
  kura_p="$R$2"
  if { [ -d "$kura_p" ] && [ ! -L "$kura_p" ]; } || { [ -d "$B$2" ] && [ ! -L "$B$2" ]; }; then
    warn "$2 is a folder in the new image, so the archived symbolic link to $1 was not created"
    return 0
  fi
  kura_parent="${kura_p%/*}"
  if [ -n "$kura_parent" ] && ! mkdir -p -- "$kura_parent"; then
    warn "cannot create the folders above $2"
    return 0
  fi
  if ! ln -sfn -- "$1" "$kura_p"; then
    warn "cannot create the symbolic link $2 -> $1"
    return 0
  fi
  if [ "$3" != 0 ] || [ "$4" != 0 ]; then chown -h -- "$3:$4" "$kura_p" || warn "cannot change the owner of the symbolic link $2"; fi
  links=$((links + 1))
}
# Batched: one chown, chmod or touch per value for up to 256 paths (metadata.sh, dir-times.sh).
kura_chown() {
  kura_owner="$1:$2"
  shift 2
  kura_keep warn "$@"
  if [ "$kura_kept" -gt 0 ]; then
    eval "set -- $kura_list"
    chown -- "$kura_owner" "$@" || warn "chown to $kura_owner failed for some of the paths above"
  fi
}
kura_chmod() {
  kura_mode="$1"
  shift
  kura_keep quiet "$@"
  if [ "$kura_kept" -gt 0 ]; then
    eval "set -- $kura_list"
    chmod -- "$kura_mode" "$@" || warn "chmod $kura_mode failed for some of the paths above"
  fi
}
kura_touch() {
  kura_stamp="$1"
  shift
  kura_keep quiet "$@"
  if [ "$kura_kept" -gt 0 ]; then
    eval "set -- $kura_list"
    TZ=UTC0 touch -c -t "$kura_stamp" -- "$@" || warn "setting modification times failed for some of the paths above"
  fi
}
# Sets kura_k1..kura_kN to the existing, non-link staged paths among the arguments (kura_kept = N)
# and kura_list to '"$kura_k1" "$kura_k2" ...' (references, not values, so eval "set -- $kura_list"
# passes every path unchanged), reporting the others when asked.
kura_keep() {
  kura_report="$1"
  shift
  kura_kept=0
  kura_list=""
  for kura_path in "$@"; do
    kura_p="$R$kura_path"
    if [ -L "$kura_p" ]; then
      if [ "$kura_report" = warn ]; then warn "$kura_path is a symbolic link in the new image; its owner and mode were not restored"; fi
    elif [ -e "$kura_p" ]; then
      kura_kept=$((kura_kept + 1))
      eval "kura_k$kura_kept=\$kura_p"
      kura_list="$kura_list \"\$kura_k$kura_kept\""
    elif [ "$kura_report" = warn ]; then
      warn "$kura_path is missing from the image, so its owner and mode were not restored"
    fi
  done
}

# Migration rules.
kura_pkg_version() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query --admindir="$B/var/lib/dpkg" -W -f='${Version}' -- "$1" 2>/dev/null || true
  fi
}
# version operator reference strip-epoch(1|0): dpkg --compare-versions, the epoch dropped when the
# rule's version has none (see version-range.ts).
kura_vcmp() {
  kura_v="$1"
  if [ "$4" = 1 ]; then kura_v="${kura_v#*:}"; fi
  dpkg --compare-versions "$kura_v" "$2" "$3"
}
# kura_move FROM TO: moves the staged FROM to TO. A base folder at TO is merged with it by the copy
# over /; anything else the base has at TO is kept beside it as TO.kura-before-migration.
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
    say "kept the archived $2 as $2.kura-before-migration"
  elif { [ -e "$B$2" ] || [ -L "$B$2" ]; } && ! { [ -d "$kura_src" ] && [ ! -L "$kura_src" ] && [ -d "$B$2" ] && [ ! -L "$B$2" ]; }; then
    mkdir -p -- "${kura_dst%/*}"
    cp -a -- "$B$2" "$kura_dst.kura-before-migration"
    say "kept the new base's $2 as $2.kura-before-migration"
  fi
  kura_parent="${kura_dst%/*}"
  if [ -n "$kura_parent" ]; then mkdir -p -- "$kura_parent"; fi
  mv -- "$kura_src" "$kura_dst"
}
kura_rename_key() {
  kura_changed=$(KURA_FROM="$2" KURA_TO="$3" KURA_OUT="$TMPD/rename-key.out" awk -f "$K/rename-key.awk" "$R$1")
  if [ "$kura_changed" -gt 0 ]; then cat "$TMPD/rename-key.out" > "$R$1"; fi
  rm -f -- "$TMPD/rename-key.out"
}
# kura_rewrite FILE MATCH REPLACE: every whole line matching the glob MATCH becomes REPLACE
# (rewrite.awk; bytes, so LC_ALL=C). Sets kura_changed.
kura_rewrite() {
  kura_changed=$(LC_ALL=C KURA_MATCH="$2" KURA_REPLACE="$3" KURA_OUT="$TMPD/rewrite.out" awk -f "$K/rewrite.awk" "$R$1")
  if [ "$kura_changed" -gt 0 ]; then cat "$TMPD/rewrite.out" > "$R$1"; fi
  rm -f -- "$TMPD/rewrite.out"
}
# kura_set FILE KEY VALUE SEPARATOR start|end: KEY holds VALUE (set-key.awk reads FILE twice). Sets
# kura_changed (lines changed) and kura_added (1 when the line was added).
kura_set() {
  kura_counts=$(LC_ALL=C KURA_KEY="$2" KURA_VALUE="$3" KURA_SEP="$4" KURA_WHERE="$5" KURA_OUT="$TMPD/set.out" \
    awk -f "$K/set-key.awk" "$R$1" "$R$1")
  kura_changed=${kura_counts% *}
  kura_added=${kura_counts#* }
  if [ "$kura_changed" -gt 0 ] || [ "$kura_added" = 1 ]; then cat "$TMPD/set.out" > "$R$1"; fi
  rm -f -- "$TMPD/set.out"
}

# 1. Accounts: add the archived users and groups the new base lacks (merge-*.awk), keep the rest.
kura_merge_log() {
  while IFS= read -r kura_line; do
    case "$kura_line" in
      "ADDED group "*) groups_added=$((groups_added + 1)); say "added ${kura_line#ADDED }" ;;
      "ADDED user "*) users_added=$((users_added + 1)); say "added ${kura_line#ADDED }" ;;
      "WARNING "*) warn "${kura_line#WARNING }" ;;
      "INFO "*) say "${kura_line#INFO }" ;;
      *) say "$kura_line" ;;
    esac
  done < "$1"
}
# kura_merge_accounts FILE SHADOW PROGRAM WHAT: merge accounts/FILE (and SHADOW) with the base's
# /etc files into $R/etc with accounts-lib.awk and PROGRAM.
kura_merge_accounts() {
  [ -f "$A/$1" ] || return 0
  rm -f -- "$TMPD/$1.new" "$TMPD/$2.new"
  if ! ARCHIVED="$A/$1" ARCHIVED_SHADOW="$A/$2" LIVE="$B/etc/$1" LIVE_SHADOW="$B/etc/$2" \
      OUT="$TMPD/$1.new" OUT_SHADOW="$TMPD/$2.new" awk -f "$K/accounts-lib.awk" -f "$K/$3" > "$TMPD/$1.log"; then
    cat "$TMPD/$1.log" >&2
    echo "kura-restore: ERROR the $4 merge failed" >&2
    exit 1
  fi
  kura_merge_log "$TMPD/$1.log"
  if [ -f "$TMPD/$1.new" ]; then kura_install "$TMPD/$1.new" "$B/etc/$1" "$R/etc/$1"; fi
  if [ -f "$TMPD/$2.new" ]; then kura_install "$TMPD/$2.new" "$B/etc/$2" "$R/etc/$2"; fi
}

# The generated part: kura_summary, kura_ancestors, kura_deletions, kura_rules.
# shellcheck source=/dev/null
. "$K/restore-plan.sh"

if [ "$phase" = delete ]; then
  # The image's last stage, on the base before any archived file is there.
  kura_step=delete
  kura_deletions
  exit 0
fi

mkdir -p -- "$R" "$TMPD"
: > "$REPORT"
# shellcheck disable=SC2154 # kura_summary is set by restore-plan.sh
say "$kura_summary"

A="$K/accounts"
kura_merge_accounts group gshadow merge-groups.awk group
kura_merge_accounts passwd shadow merge-users.awk user
if [ ! -f "$A/group" ] && [ ! -f "$A/passwd" ]; then log "no archived account files: accounts left as the base has them"; fi

# 2. Deletions: what the archived container had deleted from its image.
kura_deletions
if [ "$deleted" -gt 0 ]; then say "deleted $deleted path(s) the archived container had deleted"; fi

# 3 and 4. Symbolic links, then owner, mode and time of every archived file and folder.
if [ -z "${KURA_NO_PERL:-}" ] && command -v perl >/dev/null 2>&1; then
  perl -- "$K/apply-metadata.pl" meta
  kura_perl=1
else
  say "perl is not available: applying owners and modes with the slower shell fallback"
  # shellcheck source=/dev/null
  . "$K/metadata.sh"
  kura_perl=0
fi

# 5. Migration rules selected by the plan.
kura_rules

# 6. Folder times last, deepest first, then the folders above the payload, then the summary.
if [ "$kura_perl" = 1 ]; then
  perl -- "$K/apply-metadata.pl" dirtimes
else
  # shellcheck source=/dev/null
  . "$K/dir-times.sh"
fi
kura_ancestors
rm -rf -- "$TMPD"
kura_warnings=$(grep -c '^WARNING' "$REPORT" || true)
kura_counts="$groups_added group(s) and $users_added user(s) added, $deleted path(s) deleted"
say "done: $kura_counts, $rules_applied migration rule(s) applied, $kura_warnings warning(s); see /kura/restore-report.txt"
exit 0
