# Kura restore: helpers of the account merge programs (merge-groups.awk, merge-users.awk), loaded
# before them with `awk -f accounts-lib.awk -f merge-groups.awk`. mawk, gawk and busybox awk.
# The programs add the archived users and groups the new base lacks and never overwrite what it has.
# Every path comes from the environment (ENVIRON, so no awk escape processing touches it): ARCHIVED
# (required), ARCHIVED_SHADOW, LIVE (required), LIVE_SHADOW, OUT, OUT_SHADOW. Files are read with
# getline (a missing optional file reads as empty), the merged databases written to OUT and
# OUT_SHADOW, and one log line per event printed on stdout:
#   ADDED <what>     a user or group was added
#   INFO <what>      something else was done (members added)
#   WARNING <what>   a user or group was skipped (uid/gid collision) or needs attention
#   ERROR <what>     a required file could not be read (exit status 2)
# restore.sh copies OUT over the staged account file with `cat new > staged`, keeping its mode and owner.

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
