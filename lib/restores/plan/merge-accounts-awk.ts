// The account merge of the restore script, as two standalone awk programs (mawk, gawk and busybox
// awk): they add the archived users and groups the new base lacks and never overwrite what it
// has. They take every path from the environment (ENVIRON, so no awk escape processing touches
// them), read with getline (a missing optional file reads as empty), write the merged databases
// to OUT_* files and print one log line per event on stdout:
//   ADDED <what>     a user or group was added
//   INFO <what>      something else was done (members added)
//   WARNING <what>   a user or group was skipped (uid/gid collision) or needs attention
//   ERROR <what>     a required file could not be read (exit status 2)
// The shell copies OUT_* over the live files with `cat new > live`, keeping their mode and owner.

/** Shared helpers: read a file into an array, read and replace one ":"-separated field. */
const HELPERS = `
function readlines(path, lines,    n, line, r) {
  n = 0
  if (path == "") return -1
  while ((r = (getline line < path)) > 0) { n++; lines[n] = line }
  close(path)
  if (r < 0 && n == 0) return -1
  return n
}
function field(line, k,    f, n) {
  n = split(line, f, ":")
  return (k <= n) ? f[k] : ""
}
function setfield(line, k, value,    f, n, i, out) {
  n = split(line, f, ":")
  while (n < k) { n++; f[n] = "" }
  f[k] = value
  out = f[1]
  for (i = 2; i <= n; i++) out = out ":" f[i]
  return out
}
function skippable(line,    name) {
  name = field(line, 1)
  return name == "" || name ~ /^[+#-]/
}
# Reads every input named in the environment into globals: L[1..nl] the live lines, live[name] their
# index, owner[id] the first name holding each id (third field); S[1..ns] the live shadow lines,
# sidx[name] their index, shadowed whether a live shadow file exists; ashadow[name] the archived
# shadow lines; A[1..na] the archived lines. A missing required file is an ERROR (exit 2).
function loadall(    i, name, id, nas) {
  nl = readlines(ENVIRON["LIVE"], L)
  if (nl < 0) { print "ERROR cannot read " ENVIRON["LIVE"]; exit 2 }
  for (i = 1; i <= nl; i++) {
    if (skippable(L[i])) continue
    name = field(L[i], 1)
    if (!(name in live)) live[name] = i
    id = field(L[i], 3)
    if (id != "" && !(id in owner)) owner[id] = name
  }
  ns = readlines(ENVIRON["LIVE_SHADOW"], S)
  shadowed = (ns >= 0)
  if (ns < 0) ns = 0
  for (i = 1; i <= ns; i++) { name = field(S[i], 1); if (name != "" && !(name in sidx)) sidx[name] = i }
  nas = readlines(ENVIRON["ARCHIVED_SHADOW"], AS)
  for (i = 1; i <= nas; i++) { name = field(AS[i], 1); if (name != "" && !(name in ashadow)) ashadow[name] = AS[i] }
  na = readlines(ENVIRON["ARCHIVED"], A)
  if (na < 0) { print "ERROR cannot read " ENVIRON["ARCHIVED"]; exit 2 }
}
# Writes L to OUT and, when wanted, S to OUT_SHADOW.
function writeall(withShadow,    i, out) {
  out = ENVIRON["OUT"]
  for (i = 1; i <= nl; i++) print L[i] > out
  close(out)
  out = ENVIRON["OUT_SHADOW"]
  if (out != "" && withShadow) { for (i = 1; i <= ns; i++) print S[i] > out; close(out) }
}
`;

/** The environment both programs read: ARCHIVED (required), ARCHIVED_SHADOW, LIVE (required), LIVE_SHADOW, OUT, OUT_SHADOW. */

/**
 * Groups: group files as ARCHIVED, LIVE, OUT and gshadow files as the *_SHADOW ones.
 * - A group whose name the live file has keeps its line and gid; members the archived group had
 *   and the live one lacks are added (to gshadow's member list too).
 * - A missing group is appended with its archived line, unless its gid belongs to another name in
 *   the live file: then WARNING gid collision, skipped.
 * - Its gshadow line is the archived one, or "name:!::members" when only the live gshadow exists.
 */
export const MERGE_GROUPS_AWK = `${HELPERS}
BEGIN {
  loadall()
  for (i = 1; i <= na; i++) {
    line = A[i]
    sub(/\\r$/, "", line)
    if (skippable(line)) continue
    name = field(line, 1)
    if (name in seen) continue
    seen[name] = 1
    if (split(line, parts, ":") < 3 || field(line, 3) !~ /^[0-9]+$/) { print "WARNING the archived group line for '" name "' is malformed and was skipped"; continue }
    gid = field(line, 3)
    members = field(line, 4)
    if (name in live) {
      k = live[name]
      L[k] = setfield(L[k], 4, mergemembers(field(L[k], 4), members))
      if (ADDED != "") {
        added = ADDED
        print "INFO group " name ": added member(s) " added
        if (name in sidx) { j = sidx[name]; S[j] = setfield(S[j], 4, mergemembers(field(S[j], 4), added)) }
      }
      continue
    }
    if (gid in owner) {
      print "WARNING gid collision: group '" name "' (gid " gid ") from the archive was not added because gid " gid " belongs to '" owner[gid] "' in the new base; its files keep gid " gid " and so appear to belong to '" owner[gid] "'. Give it a free gid in accounts/group of the build context and rebuild, or run groupadd " name " and chgrp its files."
      continue
    }
    nl++
    L[nl] = line
    live[name] = nl
    if (name in ashadow) { ns++; S[ns] = ashadow[name]; sidx[name] = ns }
    else if (shadowed) { ns++; S[ns] = name ":!::" members; sidx[name] = ns }
    print "ADDED group " name " (gid " gid ")"
  }
  writeall(1)
  exit 0
}
function mergemembers(current, wanted,    i, n, parts, have, out) {
  ADDED = ""
  out = current
  n = split(current, parts, ",")
  for (i = 1; i <= n; i++) if (parts[i] != "") have[parts[i]] = 1
  n = split(wanted, parts, ",")
  for (i = 1; i <= n; i++) {
    if (parts[i] == "" || (parts[i] in have)) continue
    have[parts[i]] = 1
    out = (out == "") ? parts[i] : out "," parts[i]
    ADDED = (ADDED == "") ? parts[i] : ADDED "," parts[i]
  }
  return out
}
`;

/**
 * Users: passwd files as ARCHIVED, LIVE, OUT and shadow files as the *_SHADOW ones.
 * - A user whose name the live file has keeps the live line (the base's system accounts stay).
 * - A missing user is appended with its archived line (same uid, gid, gecos, home, shell), unless
 *   its uid belongs to another name in the live file: then WARNING uid collision, skipped.
 * - Its shadow line is the archived one (same password hash); a user whose password lives in
 *   shadow ("x") but has no archived shadow line gets a locked one and a WARNING.
 */
export const MERGE_USERS_AWK = `${HELPERS}
BEGIN {
  loadall()
  for (i = 1; i <= na; i++) {
    line = A[i]
    sub(/\\r$/, "", line)
    if (skippable(line)) continue
    name = field(line, 1)
    if (name in seen) continue
    seen[name] = 1
    if (split(line, parts, ":") < 7 || field(line, 3) !~ /^[0-9]+$/ || field(line, 4) !~ /^[0-9]+$/) { print "WARNING the archived passwd line for '" name "' is malformed and was skipped"; continue }
    if (name in live) continue
    uid = field(line, 3)
    if (uid in owner) {
      print "WARNING uid collision: user '" name "' (uid " uid ") from the archive was not added because uid " uid " belongs to '" owner[uid] "' in the new base; its files keep uid " uid " and so appear to belong to '" owner[uid] "'. Give it a free uid in accounts/passwd of the build context and rebuild, or run useradd " name " and chown its files."
      continue
    }
    nl++
    L[nl] = line
    live[name] = nl
    if (!(name in sidx)) {
      if (name in ashadow) { ns++; S[ns] = ashadow[name]; sidx[name] = ns }
      else if (field(line, 2) == "x") {
        ns++; S[ns] = name ":*:::::::"; sidx[name] = ns
        print "WARNING user '" name "' has no archived shadow entry, so its password is locked: set one with passwd " name " if it logs in with a password."
      }
    }
    print "ADDED user " name " (uid " uid ", gid " field(line, 4) ")"
  }
  writeall(shadowed || ns > 0)
  exit 0
}
`;

/**
 * rename-key: a line whose first word (after optional blanks) is KURA_FROM, followed by a blank,
 * "=" or the end of the line, gets KURA_TO instead, keeping the indentation and the rest of the
 * line. Comments ("#Key") and longer keys ("Key2") are left alone. Writes the file to KURA_OUT
 * and prints the number of lines changed.
 */
export const RENAME_KEY_AWK = `BEGIN { from = ENVIRON["KURA_FROM"]; to = ENVIRON["KURA_TO"]; out = ENVIRON["KURA_OUT"]; changed = 0 }
{
  line = $0
  match(line, /^[ \\t]*/)
  indent = substr(line, 1, RLENGTH)
  rest = substr(line, RLENGTH + 1)
  if (substr(rest, 1, length(from)) == from) {
    next_char = substr(rest, length(from) + 1, 1)
    if (next_char == "" || next_char == " " || next_char == "\\t" || next_char == "=") {
      line = indent to substr(rest, length(from) + 1)
      changed++
    }
  }
  print line > out
}
END { close(out); print changed }
`;
