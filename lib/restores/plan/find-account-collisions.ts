// Plan-time view of the account merge the restore script does: which archived users and groups
// cannot be recreated because their uid or gid belongs to another name in the new base. The
// script decides the same way at build time (merge-accounts-programs.ts); this is the preview.

import type { RestoreWarning } from "@/lib/restores/plan/types";

export type AccountLine = { name: string; id: string; fields: string[] };

/** "name:x:1000:..." lines -> name, uid or gid (third field), all fields. Comments, blanks and NIS "+"/"-" lines are skipped. */
export function parseAccountLines(text: string): AccountLine[] {
  const lines: AccountLine[] = [];
  for (const line of text.split("\n")) {
    const fields = line.replace(/\r$/, "").split(":");
    const name = fields[0] ?? "";
    const id = fields[2];
    if (fields.length < 3 || id === undefined || name === "" || name.startsWith("+") || name.startsWith("-") || name.startsWith("#"))
      continue;
    lines.push({ name, id, fields });
  }
  return lines;
}

export type AccountCollisionOptions = {
  archived: { passwd?: string; group?: string };
  base: { passwd: string; group: string } | null;
  baseImage: string;
};

function collisions(archivedText: string | undefined, baseText: string): { name: string; id: string; owner: string }[] {
  if (archivedText === undefined) return [];
  const base = parseAccountLines(baseText);
  const baseNames = new Set(base.map((line) => line.name));
  const owners = new Map<string, string>();
  for (const line of base) if (!owners.has(line.id)) owners.set(line.id, line.name);
  const seen = new Set<string>();
  const found: { name: string; id: string; owner: string }[] = [];
  for (const line of parseAccountLines(archivedText)) {
    if (seen.has(line.name)) continue;
    seen.add(line.name);
    if (baseNames.has(line.name)) continue;
    const owner = owners.get(line.id);
    if (owner !== undefined) found.push({ name: line.name, id: line.id, owner });
  }
  return found;
}

/** Warnings for archived users and groups the merge will skip; none when the base accounts are unknown. */
export function findAccountCollisions({ archived, base, baseImage }: AccountCollisionOptions): RestoreWarning[] {
  if (!base) return [];
  const warnings: RestoreWarning[] = [];
  for (const { name, id, owner } of collisions(archived.group, base.group)) {
    warnings.push({
      kind: "gid-collision",
      message: `Group "${name}" (gid ${id}) will not be recreated because gid ${id} belongs to "${owner}" in ${baseImage}; its files keep gid ${id} and so appear to belong to "${owner}". Give "${name}" a free gid in accounts/group of the build context, or run groupadd ${name} after the build and chgrp its files.`,
    });
  }
  for (const { name, id, owner } of collisions(archived.passwd, base.passwd)) {
    warnings.push({
      kind: "uid-collision",
      message: `User "${name}" (uid ${id}) will not be recreated because uid ${id} belongs to "${owner}" in ${baseImage}; its files keep uid ${id} and so appear to belong to "${owner}". Give "${name}" a free uid in accounts/passwd of the build context, or run useradd ${name} after the build and chown its files.`,
    });
  }
  return warnings;
}

/** Whether a user name (or numeric uid) will exist in the rebuilt image. */
export function userWillExist(user: string, archived: { passwd?: string }, base: { passwd: string } | null): boolean | null {
  if (/^\d+$/.test(user)) return true;
  if (!base) return null;
  const baseLines = parseAccountLines(base.passwd);
  if (baseLines.some((line) => line.name === user)) return true;
  const archivedLine = parseAccountLines(archived.passwd ?? "").find((line) => line.name === user);
  if (!archivedLine) return false;
  return !baseLines.some((line) => line.id === archivedLine.id);
}
