// Version ranges of migration rules: "*", "< 4", ">= 4", ">= 2.2, < 2.4" (a comma means AND).
// Operators: < <= = >= > and dpkg's << and >> (the same as < and >). Versions compare as dpkg
// does (compare-debian-versions.ts).
//
// Epochs: a range version may leave the epoch out. When it does and the package version has one,
// the package version is compared WITHOUT its epoch, so "samba < 4" matches "2:3.6.25-1": rule
// authors write the upstream version they read in release notes, and Debian's epochs (added when
// a version scheme changes) would otherwise make every such rule miss. A range version with an
// epoch ("< 1:8.7") is compared with the full package version.

import { compareDebianVersions, isValidDebianVersion, stripEpoch } from "@/lib/restores/plan/compare-debian-versions";

export type VersionOperator = "<" | "<=" | "=" | ">=" | ">";
export type VersionClause = { op: VersionOperator; version: string };
/** No clauses: any version ("*"). */
export type VersionRange = { text: string; clauses: VersionClause[] };

export type ParsedRange = { ok: true; range: VersionRange } | { ok: false; error: string };

const OPERATORS: Record<string, VersionOperator> = {
  "<<": "<",
  ">>": ">",
  "<=": "<=",
  ">=": ">=",
  "=": "=",
  "==": "=",
  "<": "<",
  ">": ">",
};
const CLAUSE = /^(<<|>>|<=|>=|==|=|<|>)\s*(\S+)$/;

export const MAX_RANGE_LENGTH = 200;

export function parseVersionRange(text: string): ParsedRange {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, error: 'The version range is empty; write "*" for any version.' };
  if (trimmed.length > MAX_RANGE_LENGTH) return { ok: false, error: `The version range is longer than ${MAX_RANGE_LENGTH} characters.` };
  if (trimmed === "*") return { ok: true, range: { text: "*", clauses: [] } };
  const clauses: VersionClause[] = [];
  for (const part of trimmed.split(",")) {
    const clause = part.trim();
    if (clause === "") return { ok: false, error: `"${trimmed}" has an empty part between commas.` };
    const match = CLAUSE.exec(clause);
    if (!match?.[1] || !match[2]) {
      return {
        ok: false,
        error: `"${clause}" is not a version condition; write an operator (<, <=, =, >=, >) and a version, such as "< 4" or ">= 2.2, < 2.4".`,
      };
    }
    const op = OPERATORS[match[1]];
    if (!op) return { ok: false, error: `"${match[1]}" is not a known operator.` };
    if (!isValidDebianVersion(match[2]))
      return { ok: false, error: `"${match[2]}" is not a Debian version (it must start with a digit, after an optional "epoch:").` };
    clauses.push({ op, version: match[2] });
  }
  return { ok: true, range: { text: clauses.map((clause) => `${clause.op} ${clause.version}`).join(", "), clauses } };
}

/** The package version to compare with a clause's version: without its epoch when the clause has none. */
export function comparableVersion(clauseVersion: string, packageVersion: string): string {
  return /^\d+:/.test(clauseVersion) ? packageVersion : stripEpoch(packageVersion);
}

export function clauseMatches(clause: VersionClause, version: string): boolean {
  const order = compareDebianVersions(comparableVersion(clause.version, version), clause.version);
  switch (clause.op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case "=":
      return order === 0;
    case ">=":
      return order >= 0;
    case ">":
      return order > 0;
  }
}

export function versionInRange(range: VersionRange, version: string): boolean {
  return range.clauses.every((clause) => clauseMatches(clause, version));
}

/** Whether text is a usable range: null when it is, else a message a person can act on. */
export function validateVersionRange(text: string): string | null {
  const parsed = parseVersionRange(text);
  return parsed.ok ? null : parsed.error;
}
