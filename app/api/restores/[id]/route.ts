// GET /api/restores/{id}: a restore with its steps, verification, check result and build log
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { restoreParams } from "@/lib/api/schemas";
import { getRestore } from "@/lib/restores/restore-registry";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => {
  const { id } = restoreParams.parse(params);
  return NextResponse.json(await getRestore(id));
});
