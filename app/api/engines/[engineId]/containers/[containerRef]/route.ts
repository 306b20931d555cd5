// GET /api/engines/{engineId}/containers/{containerRef}: config, mounts, OS, package manager
import { getContainer } from "@/lib/api/contract/containers";
import { route } from "@/lib/api/route";
import { getContainerDetail } from "@/lib/containers/get-container-detail";

export const dynamic = "force-dynamic";

export const GET = route(getContainer, async ({ params }) => getContainerDetail(params.engineId, params.containerRef));
