import { conflict } from "@/lib/api/app-error";
import { mapLimit } from "@/lib/concurrency/map-limit";
import { store } from "@/lib/store/store";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { getArchiveSummary, readManifest } from "./archive-registry";

// Deleting an archive frees the blobs no other archive names. Content is shared between
// archives (content-addressed), so every other archive's manifest is read to know what stays.

/** Contents removed at once: the object store then takes several out of one pack's index in one rewrite. */
const REMOVALS_IN_FLIGHT = 16;

async function blobsOf(archiveId: string, manifestSha: string | null): Promise<Set<string>> {
  const blobs = new Set<string>();
  if (!manifestSha) return blobs;
  blobs.add(manifestSha);
  const manifest = await readManifest(archiveId).catch(() => null);
  for (const entry of manifest?.entries ?? []) if (entry.sha256) blobs.add(entry.sha256);
  return blobs;
}

export async function deleteArchive(id: string, actor: string): Promise<{ freedBytes: number; blobsRemoved: number }> {
  const summary = await getArchiveSummary(id);
  const busy = await db.job.findFirst({ where: { target: `archive:${id}`, state: { in: ["queued", "running"] } } });
  if (busy || summary.state === "creating")
    throw conflict(
      "archive_busy",
      `Archive "${summary.name}" has a ${busy?.kind ?? "archive"} job running; wait for it or cancel it, then delete.`,
    );
  const row = await db.archive.findUniqueOrThrow({ where: { id } });
  const mine = await blobsOf(id, row.manifestSha);
  await db.archive.delete({ where: { id } });

  const others = await db.archive.findMany({ where: { manifestSha: { not: null } }, select: { id: true, manifestSha: true } });
  for (const other of others) for (const sha of await blobsOf(other.id, other.manifestSha)) mine.delete(sha);
  const freed = await mapLimit([...mine], REMOVALS_IN_FLIGHT, (sha) => store.remove(sha));
  const freedBytes = freed.reduce((sum, bytes) => sum + bytes, 0);
  await recordEvent({
    actor,
    action: "archive.delete",
    target: `archive:${id}`,
    detail: { name: summary.name, container: summary.container.name, blobsRemoved: mine.size, freedBytes },
  });
  return { freedBytes, blobsRemoved: mine.size };
}
