// Pure helpers for the migration-rule editor: the action in words, the flat form draft and the
// rule it becomes, and which field a server refusal is about.
import type { ApiIssue } from "@/lib/queries/fetch-json";
import type { MigrationAction, MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import type { MigrationRuleInput } from "@/lib/restores/migration-rule-store";

/** An action as a sentence fragment; takes the loose shape a plan carries as well. */
export function describeAction(action: { kind: string; [key: string]: string | string[] }): string {
  const field = (name: string) => {
    const value = action[name];
    return Array.isArray(value) ? value.join("; ") : (value ?? "?");
  };
  switch (action.kind) {
    case "upgrade":
      return `upgrade ${field("data")} (${action.when === "first-start" ? "at first start" : "in the build"}): ${field("run")}`;
    case "move":
      return `move ${field("from")} → ${field("to")}`;
    case "rename-key":
      return `rename key ${field("from")} → ${field("to")} in ${field("file")}`;
    case "delete":
      return `delete ${field("path")}`;
    case "rewrite":
      return `rewrite lines ${field("match")} → ${field("replace")} in ${field("file")}`;
    case "set":
      return `set ${field("key")}${action.separator ?? " = "}${field("value")} in ${field("file")}${action.where === "start" ? " (added first if missing)" : ""}`;
    default:
      return action.kind;
  }
}

export const ACTION_KINDS: { kind: MigrationAction["kind"]; label: string }[] = [
  { kind: "move", label: "move a file or folder" },
  { kind: "rename-key", label: "rename a key in a config file" },
  { kind: "delete", label: "delete a path" },
  { kind: "rewrite", label: "rewrite matching lines in a file" },
  { kind: "set", label: "set a key in a config file" },
  { kind: "upgrade", label: "upgrade data in the image (shell lines)" },
];

/** The form's fields, flat, so switching the action kind keeps what was typed. */
export type RuleDraft = {
  package: string;
  fromVersions: string;
  toVersions: string;
  kind: MigrationAction["kind"];
  from: string;
  to: string;
  file: string;
  path: string;
  match: string;
  replace: string;
  key: string;
  value: string;
  separator: string;
  where: "start" | "end";
  /** An upgrade's data folder, when it runs, and its shell lines (one per line). */
  data: string;
  when: "build" | "first-start";
  run: string;
  note: string;
  enabled: boolean;
};

export type DraftField = keyof RuleDraft;

export function toDraft(rule?: MigrationRule): RuleDraft {
  const draft: RuleDraft = {
    package: "",
    fromVersions: "",
    toVersions: "",
    kind: "move",
    from: "",
    to: "",
    file: "",
    path: "",
    match: "",
    replace: "",
    key: "",
    value: "",
    separator: " = ",
    where: "end",
    data: "",
    when: "build",
    run: "",
    note: "",
    enabled: true,
  };
  if (!rule) return draft;
  return {
    ...draft,
    package: rule.package,
    fromVersions: rule.fromVersions,
    toVersions: rule.toVersions,
    note: rule.note,
    enabled: rule.enabled,
    ...(rule.action.kind === "upgrade" ? { ...rule.action, run: rule.action.run.join("\n") } : rule.action),
  };
}

/** The rule as it stands, as a PUT body: switching one on or off sends every other field unchanged. */
export function withEnabled(rule: MigrationRule, enabled: boolean): MigrationRuleInput {
  return {
    package: rule.package,
    fromVersions: rule.fromVersions,
    toVersions: rule.toVersions,
    action: rule.action,
    note: rule.note,
    enabled,
  };
}

/** The action the draft's kind asks for. A line pattern, replacement, value and separator are kept as typed (blanks matter). */
function toAction(draft: RuleDraft): MigrationAction {
  switch (draft.kind) {
    case "move":
      return { kind: "move", from: draft.from.trim(), to: draft.to.trim() };
    case "rename-key":
      return { kind: "rename-key", file: draft.file.trim(), from: draft.from.trim(), to: draft.to.trim() };
    case "delete":
      return { kind: "delete", path: draft.path.trim() };
    case "rewrite":
      return { kind: "rewrite", file: draft.file.trim(), match: draft.match, replace: draft.replace };
    case "set":
      return {
        kind: "set",
        file: draft.file.trim(),
        key: draft.key.trim(),
        value: draft.value,
        separator: draft.separator,
        where: draft.where,
      };
    case "upgrade":
      return {
        kind: "upgrade",
        data: draft.data.trim(),
        when: draft.when,
        run: draft.run
          .split("\n")
          .map((line) => line.trimEnd())
          .filter((line) => line.trim() !== ""),
      };
  }
}

export function toRuleInput(draft: RuleDraft): MigrationRuleInput {
  const action = toAction(draft);
  return {
    package: draft.package.trim(),
    fromVersions: draft.fromVersions.trim(),
    toVersions: draft.toVersions.trim(),
    action,
    note: draft.note.trim(),
    enabled: draft.enabled,
  };
}

const FIELDS = new Set<string>([
  "package",
  "fromVersions",
  "toVersions",
  "kind",
  "from",
  "to",
  "file",
  "path",
  "match",
  "replace",
  "key",
  "value",
  "separator",
  "where",
  "data",
  "when",
  "run",
  "note",
  "enabled",
]);

/** The form field an API path names: "action.to" is the "to" field, "action" the kind. */
function toField(path: string): DraftField | null {
  const name = path === "action" || path === "action.kind" ? "kind" : path.replace(/^action\./, "").replace(/^run\.\d+$/, "run");
  return FIELDS.has(name) ? (name as DraftField) : null;
}

/**
 * Splits a refusal into messages per field and the rest. A 422 lists issues with paths; an
 * error without them may still start with "field: ", the way the API words a single problem.
 */
export function fieldErrors(error: { message: string; issues?: ApiIssue[] } | null): {
  byField: Partial<Record<DraftField, string>>;
  other: string | null;
} {
  if (!error) return { byField: {}, other: null };
  const issues = error.issues?.length ? [...error.issues] : [];
  if (!issues.length) {
    const match = /^([\w.]+): (.+)$/s.exec(error.message);
    if (match?.[1] && match[2] && toField(match[1])) issues.push({ path: match[1], message: match[2] });
  }
  const byField: Partial<Record<DraftField, string>> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = toField(issue.path);
    if (field && !byField[field]) byField[field] = issue.message;
    else if (!field) other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  if (!issues.length) other.push(error.message);
  return { byField, other: other.length ? other.join(" ") : null };
}
