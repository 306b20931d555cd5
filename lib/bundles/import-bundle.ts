import type { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { readBundle, type BundleLimits } from "@/lib/bundles/read-bundle";
import { store } from "@/lib/store/store";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { getArchiveSummary, type ArchiveSummary } from "../archives/archive-registry";

// Import: a bundle exported by another Kura (or this one) becomes a complete archive here, once
// read-bundle has checked that it is safe and intact. A refused bundle writes nothing.

export const IMPORTED_ENGINE_ID = "imported";

export async function importBundle(
  source: Readable,
  options: { actor: string; limits?: Partial<BundleLimits>; signal?: AbortSignal },
): Promise<ArchiveSummary> {
  let imported;
  try {
    imported = await readBundle(source, store, { limits: options.limits, signal: options.signal });
  } catch (error) {
    await recordEvent({
      actor: options.actor,
      action: "archive.import",
      target: "archive:(refused)",
      result: "failed",
      detail: { error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
  const { manifest } = imported;
  const taken = await db.archive.findFirst({ where: { manifestSha: imported.manifestSha, state: "complete" } });
  if (taken) throw new AppError(409, "archive_exists", `This bundle is already here as archive "${taken.name}" (${taken.id}).`);
  const row = await db.archive.create({
    data: {
      name: manifest.archive.name,
      note: [
        manifest.archive.note,
        `Imported from a bundle (archive ${manifest.archive.id}, made ${manifest.archive.createdAt} by ${manifest.archive.createdBy} on engine ${manifest.engine.name}).`,
      ]
        .filter(Boolean)
        .join("\n"),
      state: "complete",
      engineId: IMPORTED_ENGINE_ID,
      engineName: manifest.engine.name,
      containerId: manifest.container.id,
      containerName: manifest.container.name,
      image: manifest.image.reference,
      imageBytes: manifest.image.size ?? 0,
      files: manifest.totals.files,
      bytes: manifest.totals.bytes,
      storedBytes: imported.storedBytes,
      manifestSha: imported.manifestSha,
      createdBy: options.actor,
      completedAt: new Date(),
    },
  });
  await recordEvent({
    actor: options.actor,
    action: "archive.import",
    target: `archive:${row.id}`,
    detail: {
      name: row.name,
      originalId: manifest.archive.id,
      files: manifest.totals.files,
      newBlobs: imported.newBlobs,
      storedBytes: imported.storedBytes,
    },
  });
  return getArchiveSummary(row.id);
}
