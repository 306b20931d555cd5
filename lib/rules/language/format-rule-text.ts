// Rules -> their text form (the inverse of parse-rule-text.ts), for export and editing as text.

import type { Rule } from "@/lib/changes/classify/types";

/** Escapes what the text form would otherwise read as syntax; the matcher reads "\x" as "x". */
function escapePattern(pattern: string): string {
  const inner = pattern.replace(/(\s)#(?=\s|$)/g, "$1\\#");
  return /^[!#]/.test(inner) ? `\\${inner}` : inner;
}

export function formatRuleText(rules: readonly Rule[], options: { header?: string } = {}): string {
  const lines: string[] = [];
  if (options.header) {
    for (const line of options.header.split(/\r?\n/)) lines.push(line.trim() ? `# ${line.trim()}` : "#");
  }
  for (const rule of rules) {
    const note = rule.note.replace(/\s+/g, " ").trim(); // notes are one line in text form
    const pattern = `${rule.action === "include" ? "!" : ""}${escapePattern(rule.pattern)}`;
    lines.push(note ? `${pattern} # ${note}` : pattern);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
