# Kura restore: the set migration rule, over the file given twice (awk -f set-key.awk FILE FILE).
# Every line whose first word (after optional blanks) is KURA_KEY, followed by a blank, "=" or the
# end of the line, becomes indentation, the key, its own separator (the blanks and "=" after the
# key; KURA_SEP when the line has none) and KURA_VALUE. When no line sets the key, the line
# "KURA_KEY KURA_SEP KURA_VALUE" is added at KURA_WHERE: "start" (first line) or "end". Comments
# ("#Key") and longer keys ("Key2") are left alone. Writes the file to KURA_OUT and prints the
# number of lines changed and 1 or 0 for the added line. Pass 1 only looks for the key.
BEGIN {
  key = ENVIRON["KURA_KEY"]; value = ENVIRON["KURA_VALUE"]; sep = ENVIRON["KURA_SEP"]; out = ENVIRON["KURA_OUT"]
  where = ENVIRON["KURA_WHERE"]; changed = 0; found = 0; added = 0; pass = 0
}
FNR == 1 {
  pass++
  if (pass == 2 && !found && where == "start") { print key sep value > out; added = 1 }
}
{
  line = $0
  match(line, /^[ \t]*/)
  indent = substr(line, 1, RLENGTH)
  rest = substr(line, RLENGTH + 1)
  is_key = 0
  if (substr(rest, 1, length(key)) == key) {
    after = substr(rest, length(key) + 1)
    c = substr(after, 1, 1)
    is_key = (c == "" || c == " " || c == "\t" || c == "=")
  }
  if (pass == 1) { if (is_key) found = 1; next }
  if (is_key) {
    match(after, /^[ \t]*=?[ \t]*/)
    own = substr(after, 1, RLENGTH)
    if (own == "") own = sep
    new_line = indent key own value
    if (new_line != line) { line = new_line; changed++ }
  }
  print line > out
}
END {
  # An empty file has no first line: pass 2 never started.
  if (!found && !added && out != "") { print key sep value > out; added = 1 }
  close(out)
  print changed, added
}
