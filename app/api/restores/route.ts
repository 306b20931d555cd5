// GET /api/restores: every restore, newest first
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { listRestores } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listRestores()));
