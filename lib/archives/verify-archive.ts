import { notFound, conflict } from "@/lib/api/app-error";
import { readManifest } from "@/lib/archives/archive-registry";
import { store } from "@/lib/store/store";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { startJob } from "../jobs/job-runner";

export type VerifyResult = { blobsChecked: number; corrupt: { sha256: string; paths: string[]; reason: string; quarantined: boolean }[] };

/** Re-read every blob an archive names (and its manifest) and check each hash; record the outcome. */
export async function startVerify(archiveId: string, actor: string): Promise<{ jobId: string }> {
  const archive = await db.archive.findUnique({ where: { id: archiveId } });
  if (!archive) throw notFound("archive_not_found", `No archive with id "${archiveId}".`);
  if (archive.state !== "complete" || !archive.manifestSha)
    throw conflict("archive_not_complete", `The archive is ${archive.state}; only complete archives can be verified.`);
  const manifestSha = archive.manifestSha;
  const jobId = await startJob({
    kind: "verify",
    target: `archive:${archiveId}`,
    actor,
    work: async ({ signal, progress }): Promise<VerifyResult> => {
      const corrupt: VerifyResult["corrupt"] = [];
      // A damaged blob is moved aside, so that archiving the same content again stores it afresh (and so repairs this
      // archive) instead of deduplicating against the damaged file.
      const report = async (sha256: string, paths: string[], error: string | undefined) =>
        corrupt.push({ sha256, paths, reason: error ?? "hash mismatch", quarantined: await store.quarantine(sha256) });
      const manifestCheck = await store.verify(manifestSha);
      if (!manifestCheck.ok) await report(manifestSha, ["(manifest)"], manifestCheck.error);
      const manifest = manifestCheck.ok ? await readManifest(archiveId) : null;
      // One check per distinct blob, however many paths share it.
      const paths = new Map<string, string[]>();
      for (const entry of manifest?.entries ?? [])
        if (entry.sha256) paths.set(entry.sha256, [...(paths.get(entry.sha256) ?? []), entry.path]);
      progress({ done: 0, total: paths.size + 1, unit: "blobs", message: "Re-reading blobs" });
      let done = 1;
      for (const [sha256, entryPaths] of paths) {
        signal.throwIfAborted();
        const check = await store.verify(sha256);
        if (!check.ok) await report(sha256, entryPaths, check.error);
        progress({ done: ++done });
      }
      const result = { blobsChecked: paths.size + 1, corrupt };
      const verifyState = corrupt.length ? "corrupt" : "ok";
      await db.archive.update({ where: { id: archiveId }, data: { verifiedAt: new Date(), verifyState } });
      await recordEvent({
        actor,
        action: "archive.verify",
        target: `archive:${archiveId}`,
        result: corrupt.length ? "failed" : "ok",
        detail: { blobsChecked: result.blobsChecked, corrupt: corrupt.length },
      });
      return result;
    },
  });
  return { jobId };
}
