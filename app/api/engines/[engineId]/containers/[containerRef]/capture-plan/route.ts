// GET /api/engines/{engineId}/containers/{containerRef}/capture-plan: the recipes an archive would run, the default hold
import { getCapturePlan as planEntry } from "@/lib/api/contract/captures";
import { route } from "@/lib/api/route";
import { planCaptures } from "@/lib/captures/plan-captures";

export const dynamic = "force-dynamic";

export const GET = route(planEntry, async ({ params }) => planCaptures(params.engineId, params.containerRef));
