# Kura restore: the rename-key migration rule. A line whose first word (after optional blanks) is
# KURA_FROM, followed by a blank, "=" or the end of the line, gets KURA_TO instead, keeping the
# indentation and the rest of the line. Comments ("#Key") and longer keys ("Key2") are left alone.
# Writes the file to KURA_OUT and prints the number of lines changed.
BEGIN { from = ENVIRON["KURA_FROM"]; to = ENVIRON["KURA_TO"]; out = ENVIRON["KURA_OUT"]; changed = 0 }
{
  line = $0
  match(line, /^[ \t]*/)
  indent = substr(line, 1, RLENGTH)
  rest = substr(line, RLENGTH + 1)
  if (substr(rest, 1, length(from)) == from) {
    next_char = substr(rest, length(from) + 1, 1)
    if (next_char == "" || next_char == " " || next_char == "\t" || next_char == "=") {
      line = indent to substr(rest, length(from) + 1)
      changed++
    }
  }
  print line > out
}
END { close(out); print changed }
