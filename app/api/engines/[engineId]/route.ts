// GET /api/engines/{engineId}: one engine with status; DELETE: forget it
import { deleteEngine as deleteEngineEntry, getEngine as getEngineEntry } from "@/lib/api/contract/engines";
import { route } from "@/lib/api/route";
import { deleteEngine, getEngine, withStatus } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route(getEngineEntry, async ({ params }) => withStatus(await getEngine(params.engineId)));

export const DELETE = route(deleteEngineEntry, async ({ params, actor }) => {
  await deleteEngine(params.engineId, actor);
  return null;
});
