// GET /api/openapi.json: the OpenAPI 3.1 description of this API, generated from the route contract
import { getOpenApi } from "@/lib/api/contract/openapi";
import { openApiDocument } from "@/lib/api/contract/openapi-document";
import { route } from "@/lib/api/route";

export const GET = route(getOpenApi, async () => openApiDocument());
