// GET /api/engines/{engineId}/images: the engine's tagged images (base images to restore onto)
import { listEngineImages } from "@/lib/api/contract/engines";
import { route } from "@/lib/api/route";
import { listImages } from "@/lib/docker/list-images";
import { getEngine } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route(listEngineImages, async ({ params }) => listImages(await getEngine(params.engineId)));
