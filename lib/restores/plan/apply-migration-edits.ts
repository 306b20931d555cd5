// The edits of migration rules (rename-key, rewrite, set) applied to a file's text in TypeScript,
// with exactly the semantics of rename-key.awk, rewrite.awk and set-key.awk (a test runs both on the
// same inputs). The restore script applies the rules inside the new base; this lets the planner
// apply them to text it holds: the merge of configuration files translates both the pristine old
// default and the admin's edited file into the new version's syntax before merging the admin's
// changes onto the new default (see applyRulesToConfig below). Pure.

import type { MigrationAction } from "@/lib/restores/plan/migration-rule-schema";
import type { RuleMatch } from "@/lib/restores/plan/match-migration-rules";
import { compileRewrite } from "@/lib/restores/plan/line-pattern";

export type TextEdit = Extract<MigrationAction, { kind: "rename-key" | "rewrite" | "set" }>;
export type EditResult = { text: string; changed: number; added: boolean };

/** awk's records: the text split at "\n", without the empty record after a final "\n". */
function records(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const join = (lines: string[]) => lines.map((line) => `${line}\n`).join("");

/** The line's indentation, and what follows the key when the line's first word is `key`; else null. */
function splitKey(line: string, key: string): { indent: string; after: string } | null {
  const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
  const rest = line.slice(indent.length);
  if (!rest.startsWith(key)) return null;
  const after = rest.slice(key.length);
  const next = after.charAt(0);
  return next === "" || next === " " || next === "\t" || next === "=" ? { indent, after } : null;
}

/** The edit applied to the text; the text is returned unchanged (final newline or not) when no line changes. */
export function applyTextEdit(edit: TextEdit, text: string): EditResult {
  const result = editLines(edit, text);
  return result.changed === 0 && !result.added ? { text, changed: 0, added: false } : result;
}

function editLines(edit: TextEdit, text: string): EditResult {
  const lines = records(text);
  let changed = 0;
  switch (edit.kind) {
    case "rename-key": {
      const out = lines.map((line) => {
        const found = splitKey(line, edit.from);
        if (!found) return line;
        changed++;
        return `${found.indent}${edit.to}${found.after}`;
      });
      return { text: join(out), changed, added: false };
    }
    case "rewrite": {
      const rewrite = compileRewrite(edit.match, edit.replace);
      const out = lines.map((line) => {
        const replaced = rewrite(line);
        if (replaced === null) return line;
        changed++;
        return replaced;
      });
      return { text: join(out), changed, added: false };
    }
    case "set": {
      let found = false;
      const out = lines.map((line) => {
        const split = splitKey(line, edit.key);
        if (!split) return line;
        found = true;
        const own = /^[ \t]*=?[ \t]*/.exec(split.after)?.[0] || edit.separator;
        const next = `${split.indent}${edit.key}${own}${edit.value}`;
        if (next !== line) changed++;
        return next;
      });
      if (found) return { text: join(out), changed, added: false };
      const added = `${edit.key}${edit.separator}${edit.value}`;
      return { text: join(edit.where === "start" ? [added, ...out] : [...out, added]), changed, added: true };
    }
  }
}

export function isTextEdit(action: MigrationAction): action is TextEdit {
  return action.kind === "rename-key" || action.kind === "rewrite" || action.kind === "set";
}

/** The file a text edit changes. */
export const editedFile = (edit: TextEdit): string => edit.file;

/**
 * The rules' edits of one file, in order, applied to its text: what the restore script will do to
 * it. Moves, deletes and edits of other files are ignored. The rules Kura ships are idempotent (a
 * rule matches only the old syntax, which it replaces), so applying them to text that has already
 * been translated, or to the new default, changes nothing.
 */
export function applyRulesToConfig(actions: readonly MigrationAction[], path: string, text: string): EditResult {
  let result: EditResult = { text, changed: 0, added: false };
  for (const action of actions) {
    if (!isTextEdit(action) || action.file !== path) continue;
    const next = applyTextEdit(action, result.text);
    result = { text: next.text, changed: result.changed + next.changed, added: result.added || next.added };
  }
  return result;
}

/**
 * The actions of the rules the restore script will run (applies, or checked at build), in its order: what
 * the configuration merge passes to applyRulesToConfig for the pristine and the edited text of a file.
 */
export function plannedActions(matches: readonly RuleMatch[]): MigrationAction[] {
  return matches.filter((match) => match.status !== "not-applicable").map((match) => match.rule.action);
}
