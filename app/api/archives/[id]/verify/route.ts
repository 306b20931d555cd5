// POST /api/archives/{id}/verify: re-hash every blob of the archive (a job)
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { archiveParams } from "@/lib/api/schemas";
import { startVerify } from "@/lib/archives/verify-archive";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async ({ params, actor }) => NextResponse.json(await startVerify(archiveParams.parse(params).id, actor), { status: 202 }));
