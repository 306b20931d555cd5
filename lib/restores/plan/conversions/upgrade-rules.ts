// The upgrade rules a conversion follows (issue 15): migration rules of kind "upgrade", keyed on package version ranges.
// The built-in ones name the steps Kura ships (PostgreSQL, MariaDB, OpenLDAP); an admin's run its own shell lines. Pure.

import type { ManifestEntry } from "@/lib/archives/manifest";
import type { MigrationRule, UpgradeAction } from "@/lib/restores/plan/migration-rule-schema";
import { parseVersionRange, versionInRange } from "@/lib/restores/plan/version-range";

export type UpgradeRule = MigrationRule & { action: UpgradeAction };

export const isUpgradeRule = (rule: MigrationRule): rule is UpgradeRule => rule.action.kind === "upgrade";

/** Whether a version is in a range ("*" holds any version, and an unknown one); an invalid range holds none. */
export function inRange(text: string, version: string | null): boolean {
  const parsed = parseVersionRange(text);
  if (!parsed.ok) return false;
  if (parsed.range.clauses.length === 0 || version === null) return true;
  return versionInRange(parsed.range, version);
}

export type RuleVerdict = { ok: true; rule: UpgradeRule } | { ok: false; reason: string };

/** The built-in rule `id` among the rules as the admin left them: enabled, and covering both versions. */
export function builtInVerdict(
  rules: readonly MigrationRule[] | undefined,
  fallback: UpgradeRule,
  fromVersion: string,
  toVersion: string | null,
): RuleVerdict {
  // A list without it (a caller that passes no rules) leaves the built-in one as shipped: on.
  const found = rules?.find((candidate) => candidate.id === fallback.id) ?? fallback;
  const rule = isUpgradeRule(found) ? found : fallback;
  if (!rule.enabled) return { ok: false, reason: `the built-in upgrade rule ${rule.id} is switched off` };
  if (!inRange(rule.fromVersions, fromVersion)) return { ok: false, reason: `${fromVersion} is outside its range ${rule.fromVersions}` };
  if (!inRange(rule.toVersions, toVersion)) return { ok: false, reason: `${toVersion} is outside its range ${rule.toVersions}` };
  return { ok: true, rule };
}

/** The folders `under` holds in the restored payload, one level down (e.g. the clusters of /var/lib/postgresql/13). */
export function childFolders(entries: readonly ManifestEntry[], under: string): string[] {
  const prefix = `${under}/`;
  const names = new Set<string>();
  for (const entry of entries) {
    if (!entry.path.startsWith(prefix)) continue;
    const [name, ...rest] = entry.path.slice(prefix.length).split("/");
    if (name && (rest.length > 0 || entry.type === "dir")) names.add(name);
  }
  return [...names].sort();
}

export const hasEntriesUnder = (entries: readonly ManifestEntry[], folder: string) =>
  entries.some((entry) => entry.path === folder || entry.path.startsWith(`${folder}/`));

/** A capture of the archive (issue 15, manifest.captures): the output of a recipe run in the container while it was archived. */
export type CaptureRef = {
  recipe: string;
  package: string;
  packageVersion: string;
  serverVersion: string;
  format: string;
  name: string | null;
};

/**
 * The captures a recipe made with an output, in the manifest's order (older archives have no captures): one, or one per
 * item for a recipe run once per item (slapcat, one per database: slapcat-0.ldif, slapcat-1.ldif).
 */
export function findCaptures(manifest: object, recipe: string): (CaptureRef & { name: string })[] {
  const captures = (manifest as { captures?: unknown }).captures;
  if (!Array.isArray(captures)) return [];
  return (captures as CaptureRef[]).filter(
    (capture): capture is CaptureRef & { name: string } =>
      capture?.recipe === recipe && typeof capture.name === "string" && /^[A-Za-z0-9._-]{1,100}$/.test(capture.name),
  );
}

/** The capture a recipe made, when the manifest has one with an output (older archives have no captures). */
export function findCapture(manifest: object, recipe: string): (CaptureRef & { name: string }) | null {
  return findCaptures(manifest, recipe)[0] ?? null;
}
