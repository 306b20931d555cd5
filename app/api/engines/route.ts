// GET /api/engines: engines with reachability; POST /api/engines: register one
import { addEngine as addEngineEntry, listEngines } from "@/lib/api/contract/engines";
import { route } from "@/lib/api/route";
import { addEngine, listEngineViews } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route(listEngines, async () => listEngineViews());

export const POST = route(addEngineEntry, async ({ body, actor }) => addEngine(body, actor));
