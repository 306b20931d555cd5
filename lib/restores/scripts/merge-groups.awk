# Kura restore: merges groups (needs accounts-lib.awk first). Group files as ARCHIVED, LIVE, OUT and
# gshadow files as the *_SHADOW ones.
# - A group whose name the live file has keeps its line and gid; members the archived group had and
#   the live one lacks are added (to gshadow's member list too).
# - A missing group is appended with its archived line, unless its gid belongs to another name in
#   the live file: then WARNING gid collision, skipped.
# - Its gshadow line is the archived one, or "name:!::members" when only the live gshadow exists.
BEGIN {
  loadall()
  for (i = 1; i <= na; i++) {
    line = A[i]
    sub(/\r$/, "", line)
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
