// GET /api/archives: every archive with its sizes and state, newest first
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { listArchives } from "@/lib/archives/archive-registry";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listArchives()));
