// GET /api/overview: archived services and sizes, storage saved against full images, last verify and restore, failed jobs
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { getOverview } from "@/lib/overview/get-overview";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await getOverview()));
