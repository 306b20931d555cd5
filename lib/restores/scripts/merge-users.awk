# Kura restore: merges users (needs accounts-lib.awk first). passwd files as ARCHIVED, LIVE, OUT and
# shadow files as the *_SHADOW ones.
# - A user whose name the live file has keeps the live line (the base's system accounts stay).
# - A missing user is appended with its archived line (same uid, gid, gecos, home, shell), unless
#   its uid belongs to another name in the live file: then WARNING uid collision, skipped.
# - Its shadow line is the archived one (same password hash); a user whose password lives in shadow
#   ("x") but has no archived shadow line gets a locked one and a WARNING.
BEGIN {
  loadall()
  for (i = 1; i <= na; i++) {
    line = A[i]
    sub(/\r$/, "", line)
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
