// Which migration rules a restore applies: a rule applies when its package was installed in the
// archived container with a version in fromVersions and the new base brings a version in
// toVersions. When the new version is known only at build time, the restore script checks it.

import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { parseVersionRange, versionInRange } from "@/lib/restores/plan/version-range";

export type RuleStatus = "applies" | "checked-at-build" | "not-applicable";

export type RuleMatch = {
  rule: MigrationRule;
  status: RuleStatus;
  reason: string;
  fromVersion: string | null;
  toVersion: string | null;
};

export type MatchMigrationRulesOptions = {
  rules: readonly MigrationRule[];
  /** Package name -> version installed in the archived container. */
  archivedPackages: Readonly<Record<string, string>>;
  /**
   * Package name -> version on the new base: a string when known, null when the package will be
   * installed but its version is known only at build time. A name that is absent is not on the
   * new base at all.
   */
  newVersions: Readonly<Record<string, string | null>>;
};

const has = (record: Readonly<Record<string, unknown>>, key: string) => Object.prototype.hasOwnProperty.call(record, key);

/** Each enabled rule with its status and a sentence saying why. Disabled rules are left out. */
export function matchMigrationRules({ rules, archivedPackages, newVersions }: MatchMigrationRulesOptions): RuleMatch[] {
  return rules.filter((rule) => rule.enabled).map((rule) => matchRule(rule, archivedPackages, newVersions));
}

function matchRule(
  rule: MigrationRule,
  archivedPackages: Readonly<Record<string, string>>,
  newVersions: Readonly<Record<string, string | null>>,
): RuleMatch {
  const name = rule.package;
  const fromVersion = has(archivedPackages, name) ? (archivedPackages[name] ?? null) : null;
  const known = has(newVersions, name);
  const toVersion = known ? (newVersions[name] ?? null) : null;
  const result = (status: RuleStatus, reason: string): RuleMatch => ({ rule, status, reason, fromVersion, toVersion });

  const from = parseVersionRange(rule.fromVersions);
  if (!from.ok) return result("not-applicable", `Its old version range is invalid: ${from.error}`);
  const to = parseVersionRange(rule.toVersions);
  if (!to.ok) return result("not-applicable", `Its new version range is invalid: ${to.error}`);

  if (fromVersion === null) return result("not-applicable", `${name} was not installed in the archived container.`);
  if (!versionInRange(from.range, fromVersion))
    return result("not-applicable", `The archived ${name} ${fromVersion} is outside ${from.range.text}.`);
  const old = `The archived ${name} ${fromVersion} is in ${from.range.text}`;

  // "*" asks nothing of the new version, not even that the package exists under this name.
  if (to.range.clauses.length === 0) return result("applies", `${old}, and the rule applies to any new version.`);
  if (!known) return result("not-applicable", `${old}, but ${name} is not available on the new base.`);
  if (toVersion === null)
    return result(
      "checked-at-build",
      `${old}; the new version is known only once it is installed, so the restore script checks it is in ${to.range.text}.`,
    );
  if (!versionInRange(to.range, toVersion))
    return result("not-applicable", `${old}, but the new ${name} ${toVersion} is outside ${to.range.text}.`);
  return result("applies", `${old} and the new ${name} ${toVersion} is in ${to.range.text}.`);
}
