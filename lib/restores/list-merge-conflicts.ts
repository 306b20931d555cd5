import type { MergeConflicts } from "./types";
import { makeRestorePlan } from "./make-restore-plan";
import { listMergeResolutions } from "./merge-resolution-store";

// The conflicts of a restore plan's configuration merge (issue 14), with the three versions and the
// saved resolution of each: what the restore page shows side by side. Known once a restore of the
// archive onto that base built its packages stage (the plan finds that image on the engine).

export async function listMergeConflicts(archiveId: string, input: { engineId?: string; baseImage?: string }): Promise<MergeConflicts> {
  const { plan } = await makeRestorePlan(archiveId, { ...input, lookupStage: true });
  if (!plan.merges) return { known: false, conflicts: [] };
  const saved = await listMergeResolutions(archiveId);
  const conflicts = plan.merges.flatMap((merge) => {
    if (!merge.conflict || (merge.status !== "conflict" && merge.status !== "resolved")) return [];
    const resolution = saved.find((item) => item.path === merge.path && item.newDefaultSha256 === merge.conflict!.newDefaultSha256);
    return [
      {
        path: merge.path,
        package: merge.package,
        newPackage: merge.newPackage,
        status: merge.status,
        reason: merge.reason,
        pristineOrigin: merge.pristineOrigin,
        ...merge.conflict,
        resolution: resolution ? { text: resolution.text, savedBy: resolution.savedBy, savedAt: resolution.savedAt } : null,
      },
    ];
  });
  return { known: true, conflicts };
}
