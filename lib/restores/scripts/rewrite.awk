# Kura restore: the rewrite migration rule. Every line that matches the glob KURA_MATCH as a whole
# becomes KURA_REPLACE, in which \1 ... \9 stand for what the first to ninth wildcard matched, \n
# for a line break and \\ for a backslash. The glob: * any run of bytes, ? one byte, \* \? \\ literal (line-pattern.ts
# says the same in TypeScript and why it is linear: no backtracking beyond one segment; run with
# LC_ALL=C so that a byte is a character). Writes the file to KURA_OUT and prints the number of
# lines changed. A pattern that does not parse changes nothing (the plan refuses it before).
BEGIN {
  pattern = ENVIRON["KURA_MATCH"]; template = ENVIRON["KURA_REPLACE"]; out = ENVIRON["KURA_OUT"]
  changed = 0; nseg = 1; seglen[1] = 0; bad = (pattern == "")
  for (i = 1; i <= length(pattern); i++) {
    c = substr(pattern, i, 1)
    if (c == "\\") {
      c = substr(pattern, i + 1, 1); i++
      if (c != "*" && c != "?" && c != "\\") bad = 1
      seglen[nseg]++; lit[nseg, seglen[nseg]] = c; any[nseg, seglen[nseg]] = 0
    } else if (c == "*") {
      nseg++; seglen[nseg] = 0
    } else {
      seglen[nseg]++; lit[nseg, seglen[nseg]] = c; any[nseg, seglen[nseg]] = (c == "?")
    }
  }
}
# Does segment s match the line at byte offset at (0-based)?
function seg_at(s, line, at,    j) {
  if (at + seglen[s] > length(line)) return 0
  for (j = 1; j <= seglen[s]; j++) if (!any[s, j] && substr(line, at + j, 1) != lit[s, j]) return 0
  return 1
}
# The "?" of segment s placed at offset at, as wildcards (start offset, length) from number w + 1 on.
function questions(s, at, w,    j) {
  for (j = 1; j <= seglen[s]; j++) if (any[s, j]) { w++; wstart[w] = at + j - 1; wlen[w] = 1 }
  return w
}
# Sets wstart[] and wlen[] (wildcards in pattern order) and returns 1 when the whole line matches.
function match_line(line,    n, last_at, w, pos, s, at) {
  n = length(line)
  if (nseg == 1) {
    if (seglen[1] != n || !seg_at(1, line, 0)) return 0
    questions(1, 0, 0)
    return 1
  }
  last_at = n - seglen[nseg]
  if (last_at < seglen[1] || !seg_at(1, line, 0) || !seg_at(nseg, line, last_at)) return 0
  w = questions(1, 0, 0)
  pos = seglen[1]
  for (s = 2; s < nseg; s++) {
    at = pos
    while (at + seglen[s] <= last_at && !seg_at(s, line, at)) at++
    if (at + seglen[s] > last_at) return 0
    w++; wstart[w] = pos; wlen[w] = at - pos
    w = questions(s, at, w)
    pos = at + seglen[s]
  }
  w++; wstart[w] = pos; wlen[w] = last_at - pos
  questions(nseg, last_at, w)
  return 1
}
function expand(line,    result, i, c, d) {
  result = ""
  for (i = 1; i <= length(template); i++) {
    c = substr(template, i, 1)
    d = substr(template, i + 1, 1)
    if (c == "\\" && d == "\\") { result = result "\\"; i++ }
    else if (c == "\\" && d == "n") { result = result "\n"; i++ }
    else if (c == "\\" && d ~ /^[1-9]$/) { if ((d + 0) in wlen) result = result substr(line, wstart[d + 0] + 1, wlen[d + 0]); i++ }
    else result = result c
  }
  return result
}
{
  line = $0
  if (!bad) {
    split("", wstart); split("", wlen)
    if (match_line(line)) { line = expand(line); changed++ }
  }
  print line > out
}
END { close(out); print changed }
