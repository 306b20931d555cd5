import type { z } from "zod";
import type {
  distributionRuleSchema,
  packageNewsSchema,
  mergeConflictsSchema,
  plannedRuleSchema,
  planWarningSchema,
  restorePlanViewSchema,
  restoreStepSchema,
  restoreVerificationSchema,
  restoreViewSchema,
} from "@/lib/api/contract/restores";
import type { startRestoreBody } from "@/lib/api/schemas";

// The shapes the restore API returns (and the restore pages read), derived from the route
// contract's schemas (lib/api/contract/restores.ts) so the API, its description and the UI agree.

export type PlanWarning = z.infer<typeof planWarningSchema>;
export type PlannedRule = z.infer<typeof plannedRuleSchema>;
export type PlannedDistributionRule = z.infer<typeof distributionRuleSchema>;
export type PlannedPackageNews = z.infer<typeof packageNewsSchema>;
/** POST /api/archives/{id}/restore-plan */
export type RestorePlanView = z.infer<typeof restorePlanViewSchema>;
export type RestoreStep = z.infer<typeof restoreStepSchema>;
export type RestoreVerification = z.infer<typeof restoreVerificationSchema>;
export type FileMismatch = RestoreVerification["mismatches"][number];
/** GET /api/restores/{id} (and the list items of GET /api/archives/{id}/restores, without `log` and `dockerfile`) */
export type RestoreView = z.infer<typeof restoreViewSchema>;
/** POST /api/archives/{id}/restores body, as a client sends it */
export type StartRestoreInput = z.input<typeof startRestoreBody>;
/** POST /api/archives/{id}/merge-conflicts (issue 14) */
export type MergeConflicts = z.infer<typeof mergeConflictsSchema>;
export type MergeConflict = MergeConflicts["conflicts"][number];
