// POST /api/archives/{id}/restore-plan: the Dockerfile, restore script, packages, migration rules and warnings
// for a base image (kept secrets masked for viewers)
import { planRestore } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { maskPlanFor } from "@/lib/auth/mask-for-role";
import { makeRestorePlan } from "@/lib/restores/make-restore-plan";

export const dynamic = "force-dynamic";

export const POST = route(planRestore, async ({ params, body, caller }) => {
  const { view } = await makeRestorePlan(params.id, { ...body, lookupStage: true });
  return maskPlanFor(caller.user.role, view);
});
