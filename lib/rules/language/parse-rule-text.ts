// Text form of a rule set -> rules, collecting a message per bad line instead of failing whole.
// One rule per line; "!pattern" includes; "# ..." lines are comments; "pattern # note" sets the
// note. A "#" only starts a note when whitespace surrounds it, so "a#b" stays a pattern.

import type { Rule } from "@/lib/changes/classify/types";
import { MAX_NOTE_LENGTH, MAX_RULES, validatePattern } from "@/lib/rules/language/rule-schema";

export type RuleTextError = { line: number; message: string };
export type ParsedRuleText = { rules: Rule[]; errors: RuleTextError[] };

const NOTE_SEPARATOR = /\s#(?:\s|$)/;

export function parseRuleText(text: string): ParsedRuleText {
  const rules: Rule[] = [];
  const errors: RuleTextError[] = [];
  let limitReported = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const split = NOTE_SEPARATOR.exec(trimmed);
    let body = split ? trimmed.slice(0, split.index).trim() : trimmed;
    const note = split ? trimmed.slice(split.index + split[0].length).trim() : "";
    let action: Rule["action"] = "exclude";
    if (body.startsWith("!")) {
      action = "include";
      body = body.slice(1).trim();
      if (body === "") {
        errors.push({ line, message: 'A "!" needs a path after it, such as !/var/log/app.' });
        return;
      }
    }
    const problem = validatePattern(body);
    if (problem) {
      errors.push({ line, message: problem });
      return;
    }
    if (note.length > MAX_NOTE_LENGTH) {
      errors.push({ line, message: `The note is longer than ${MAX_NOTE_LENGTH} characters.` });
      return;
    }
    if (rules.length === MAX_RULES) {
      // Report the limit once, not for every line past it.
      if (!limitReported)
        errors.push({ line, message: `A rule set may hold at most ${MAX_RULES} rules; this line and the ones after it were left out.` });
      limitReported = true;
      return;
    }
    rules.push({ pattern: body, action, note });
  });
  return { rules, errors };
}
