import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import type { MergeResolution } from "@/lib/restores/plan/plan-config-merges";

// People's resolutions of configuration merge conflicts (issue 14), kept per archive, path and new
// default (its SHA-256): a restore of the archive applies the one whose new default it meets.

export type SavedMergeResolution = MergeResolution & { savedBy: string; savedAt: string };

export async function listMergeResolutions(archiveId: string): Promise<SavedMergeResolution[]> {
  const rows = await db.mergeResolution.findMany({ where: { archiveId }, orderBy: { savedAt: "desc" } });
  return rows.map((row) => ({
    path: row.path,
    newDefaultSha256: row.newDefaultSha256,
    text: row.text,
    savedBy: row.savedBy,
    savedAt: row.savedAt.toISOString(),
  }));
}

/** Saves (or replaces) the resolution of one conflict; 404 for an unknown archive. Audited. */
export async function saveMergeResolution(
  archiveId: string,
  input: MergeResolution & { actor: string },
): Promise<Omit<SavedMergeResolution, "text">> {
  await getArchiveSummary(archiveId);
  const key = { archiveId, path: input.path, newDefaultSha256: input.newDefaultSha256 };
  const row = await db.mergeResolution.upsert({
    where: { archiveId_path_newDefaultSha256: key },
    create: { ...key, text: input.text, savedBy: input.actor },
    update: { text: input.text, savedBy: input.actor, savedAt: new Date() },
  });
  await recordEvent({
    actor: input.actor,
    action: "archive.merge-resolution",
    target: `archive:${archiveId}`,
    detail: { path: input.path, newDefaultSha256: input.newDefaultSha256, bytes: Buffer.byteLength(input.text) },
  });
  return { path: row.path, newDefaultSha256: row.newDefaultSha256, savedBy: row.savedBy, savedAt: row.savedAt.toISOString() };
}
