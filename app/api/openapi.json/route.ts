// GET /api/openapi.json: the OpenAPI 3 description of this API
import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/api/route";

export const GET = route(async () => NextResponse.json(openApiDocument()));
