// kura/restore-plan.sh: the archive's part of the restore, sourced by the static
// lib/restores/scripts/restore.sh (which says what runs when, and where). It only defines:
//   kura_summary      the first line of the report
//   kura_ancestors    the folders above the restored paths that the base may have: they take the
//                     base's owner, mode and time back after the work (kura_ancestor PATH)
//   kura_deletions    what the archived container had deleted from its image (kura_delete PATH)
//   kura_rules        the migration rules the plan selected, each a kura_rule_N function
// Every value is single-quoted, so nothing archived is interpreted by the shell.

import type { Manifest } from "@/lib/archives/manifest";
import type { RuleMatch } from "@/lib/restores/plan/match-migration-rules";
import { printable, shellQuote } from "@/lib/restores/plan/quote-shell";
import { parseVersionRange, type VersionOperator } from "@/lib/restores/plan/version-range";

export type GenerateRestoreScriptOptions = {
  manifest: Pick<Manifest, "archive" | "container">;
  baseImage: string;
  deletions: readonly string[];
  ancestors: readonly string[];
  /** Rules with status "applies" or "checked-at-build" (others are ignored). */
  rules: readonly RuleMatch[];
  entryCount: number;
};

const DPKG_OPERATOR: Record<VersionOperator, string> = { "<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">": "gt" };

/** One shell word joining literal text (single-quoted) and "$variables": never interpreted by the shell. */
function words(...parts: (string | { variable: string })[]): string {
  return parts.map((part) => (typeof part === "string" ? shellQuote(part) : `"$${part.variable}"`)).join("");
}

function ruleFunction(match: RuleMatch, index: number): string[] {
  const { rule } = match;
  const name = `kura_rule_${index}`;
  const id = printable(rule.id);
  const action = rule.action;
  // Upgrades run in the image (conversions, issue 15), never here: plan-restore leaves them out of the script's rules.
  if (action.kind === "upgrade") return [];
  const source = action.kind === "move" ? action.from : action.kind === "delete" ? action.path : action.file;
  const lines = [
    `# ${id}: ${printable(rule.package)} ${printable(rule.fromVersions)} -> ${printable(rule.toVersions)} (${match.status})`,
    `${name}() {`,
  ];
  const q = shellQuote;
  lines.push(
    `  if [ ! -e "$R"${q(source)} ] && [ ! -L "$R"${q(source)} ]; then log ${q(`migration rule ${id}: ${source} is not there, nothing to do`)}; return 0; fi`,
  );
  if (match.status === "checked-at-build") {
    const range = parseVersionRange(rule.toVersions);
    const clauses = range.ok ? range.range.clauses : [];
    lines.push(
      `  if ! command -v dpkg-query >/dev/null 2>&1; then warn ${q(`migration rule ${id} skipped: dpkg is not available to check the new ${rule.package} version`)}; return 0; fi`,
      `  kura_version=$(kura_pkg_version ${q(rule.package)})`,
      `  if [ -z "$kura_version" ]; then say ${q(`migration rule ${id} skipped: ${rule.package} is not installed in the new image`)}; return 0; fi`,
    );
    for (const clause of clauses) {
      const strip = /^\d+:/.test(clause.version) ? 0 : 1;
      lines.push(
        `  if ! kura_vcmp "$kura_version" ${DPKG_OPERATOR[clause.op]} ${q(clause.version)} ${strip}; then say ${words(`migration rule ${id} skipped: ${rule.package} `, { variable: "kura_version" }, ` is outside ${rule.toVersions}`)}; return 0; fi`,
      );
    }
  }
  switch (action.kind) {
    case "move":
      lines.push(
        `  kura_move ${q(action.from)} ${q(action.to)}`,
        `  say ${q(`migration rule ${id}: moved ${action.from} to ${action.to}`)}`,
      );
      break;
    case "rename-key":
      lines.push(
        `  if [ -L "$R"${q(action.file)} ] || [ ! -f "$R"${q(action.file)} ]; then warn ${q(`migration rule ${id} skipped: ${action.file} is not a regular file`)}; return 0; fi`,
        `  kura_rename_key ${q(action.file)} ${q(action.from)} ${q(action.to)}`,
        `  say ${words(`migration rule ${id}: renamed ${action.from} to ${action.to} on `, { variable: "kura_changed" }, ` line(s) of ${action.file}`)}`,
      );
      break;
    case "rewrite":
      lines.push(
        `  if [ -L "$R"${q(action.file)} ] || [ ! -f "$R"${q(action.file)} ]; then warn ${q(`migration rule ${id} skipped: ${action.file} is not a regular file`)}; return 0; fi`,
        `  kura_rewrite ${q(action.file)} ${q(action.match)} ${q(action.replace)}`,
        `  say ${words(`migration rule ${id}: rewrote `, { variable: "kura_changed" }, ` line(s) of ${action.file}`)}`,
      );
      break;
    case "set":
      lines.push(
        `  if [ -L "$R"${q(action.file)} ] || [ ! -f "$R"${q(action.file)} ]; then warn ${q(`migration rule ${id} skipped: ${action.file} is not a regular file`)}; return 0; fi`,
        `  kura_set ${q(action.file)} ${q(action.key)} ${q(action.value)} ${q(action.separator)} ${q(action.where)}`,
        `  if [ "$kura_added" = 1 ]; then say ${q(`migration rule ${id}: added ${action.key} to ${action.file}`)}; ` +
          `else say ${words(`migration rule ${id}: set ${action.key} on `, { variable: "kura_changed" }, ` line(s) of ${action.file}`)}; fi`,
      );
      break;
    case "delete":
      lines.push(`  rm -rf -- "$R"${q(action.path)}`, `  say ${q(`migration rule ${id}: deleted ${action.path}`)}`);
      break;
  }
  lines.push("  rules_applied=$((rules_applied + 1))", "}");
  return lines;
}

export function generateRestoreScript(options: GenerateRestoreScriptOptions): string {
  const { manifest, deletions, ancestors } = options;
  const rules = options.rules.filter((match) => match.status === "applies" || match.status === "checked-at-build");
  const parts: string[] = [];
  parts.push(
    "# shellcheck shell=sh",
    `# Generated by Kura: the plan of the restore of the archive "${printable(manifest.archive.name)}"`,
    `# (${printable(manifest.archive.id)}) of the container`,
    `# "${printable(manifest.container.name)}" on ${printable(options.baseImage)}. Sourced by restore.sh, which defines kura_ancestor,`,
    "# kura_delete, kura_move, kura_rename_key, kura_rewrite, kura_set, say, log and warn. Defines functions and one variable; runs nothing.",
    "# The functions are called by restore.sh, which reads the variables set here and sets kura_version,",
    "# kura_changed and kura_added; archived values are single-quoted on purpose, so nothing in them expands:",
    "# shellcheck disable=SC2034,SC2317,SC2154,SC2016",
    `kura_summary=${shellQuote(
      `restoring ${printable(manifest.container.name)} (archive ${printable(manifest.archive.id)}): ` +
        `${options.entryCount} entries, ${deletions.length} deletion(s), ${rules.length} migration rule(s)`,
    )}`,
    "",
    "kura_ancestors() {",
    ...ancestors.map((path) => `  kura_ancestor ${shellQuote(path)}`),
    "  :",
    "}",
    "",
    "kura_deletions() {",
    ...deletions.map((path) => `  kura_delete ${shellQuote(path)}`),
    "  :",
    "}",
    "",
  );
  rules.forEach((match, index) => parts.push(...ruleFunction(match, index + 1)));
  parts.push("kura_rules() {", ...rules.map((_match, index) => `  kura_rule_${index + 1}`), "  :", "}", "");
  return parts.join("\n");
}
