import { fullImageBytes, savingPercent } from "@/lib/archives/saving";
import { AppError } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { store } from "@/lib/store/store";

// The landing page's numbers: archived services and their sizes, what the store saves compared
// with keeping every full image, when each was last verified and restored, and failed jobs.

export type ServiceOverview = {
  container: string;
  engine: string;
  archives: number;
  latestArchive: { id: string; name: string; createdAt: string; files: number; bytes: number; storedBytes: number; imageBytes: number };
  lastVerified: { at: string; state: string } | null;
  lastRestore: { at: string; state: string; id: string } | null;
};

/**
 * Whether the archive store is encrypted at rest (KURA_STORE_KEY_FILE, issue 16); "unavailable" when it cannot be
 * opened (a missing or wrong key file, a store that does not answer), with the reason in `problem`.
 */
export type StoreStatus = { encryption: "encrypted" | "unencrypted" | "unavailable"; problem: string | null };

export type Overview = {
  services: ServiceOverview[];
  store: StoreStatus;
  /** imageBytes: the full images (image plus data) of each service's latest archive; savedBytes is negative when the archives take more. */
  totals: { archives: number; services: number; storedBytes: number; imageBytes: number; savedBytes: number; savedPercent: number | null };
  failedJobs: { id: string; kind: string; target: string; error: string | null; createdBy: string; finishedAt: string | null }[];
};

export async function getOverview(): Promise<Overview> {
  const [storeStatus, archives, restores, failedJobs] = await Promise.all([
    getStoreStatus(),
    db.archive.findMany({ where: { state: "complete" }, orderBy: { createdAt: "desc" } }),
    db.restore.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, archiveId: true, state: true, createdAt: true } }),
    db.job.findMany({
      where: { state: "failed", finishedAt: { gte: new Date(Date.now() - 14 * 24 * 3600 * 1000) } },
      orderBy: { finishedAt: "desc" },
      take: 20,
    }),
  ]);
  const byService = new Map<string, typeof archives>();
  for (const archive of archives) {
    const key = `${archive.engineName}/${archive.containerName}`;
    byService.set(key, [...(byService.get(key) ?? []), archive]);
  }
  const services: ServiceOverview[] = [...byService.values()].map((list) => {
    const latest = list[0]!;
    const ids = new Set(list.map((archive) => archive.id));
    const verified = list.filter((archive) => archive.verifiedAt).sort((a, b) => b.verifiedAt!.getTime() - a.verifiedAt!.getTime())[0];
    const restore = restores.find((candidate) => ids.has(candidate.archiveId));
    return {
      container: latest.containerName,
      engine: latest.engineName,
      archives: list.length,
      latestArchive: {
        id: latest.id,
        name: latest.name,
        createdAt: latest.createdAt.toISOString(),
        files: latest.files,
        bytes: latest.bytes,
        storedBytes: latest.storedBytes,
        imageBytes: latest.imageBytes,
      },
      lastVerified: verified ? { at: verified.verifiedAt!.toISOString(), state: verified.verifyState ?? "unknown" } : null,
      lastRestore: restore ? { at: restore.createdAt.toISOString(), state: restore.state, id: restore.id } : null,
    };
  });
  const storedBytes = archives.reduce((sum, archive) => sum + archive.storedBytes, 0);
  // What keeping the services would cost: the full image (image plus data) of each service's latest archive.
  const imageBytes = services.reduce((sum, service) => sum + (fullImageBytes(service.latestArchive) ?? 0), 0);
  return {
    services,
    store: storeStatus,
    totals: {
      archives: archives.length,
      services: services.length,
      storedBytes,
      imageBytes,
      savedBytes: imageBytes - storedBytes,
      savedPercent: savingPercent(storedBytes, imageBytes),
    },
    failedJobs: failedJobs.map((job) => ({
      id: job.id,
      kind: job.kind,
      target: job.target,
      error: job.error,
      createdBy: job.createdBy,
      finishedAt: job.finishedAt?.toISOString() ?? null,
    })),
  };
}

async function getStoreStatus(): Promise<StoreStatus> {
  try {
    return { encryption: await store.encryption(), problem: null };
  } catch (error) {
    // The reasons said are the store's own sentences (a missing or wrong key file, a store that does not answer).
    return { encryption: "unavailable", problem: error instanceof AppError ? error.message : "The archive store cannot be opened." };
  }
}
