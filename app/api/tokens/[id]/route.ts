// DELETE /api/tokens/{id}: revoke one of your API tokens
import { NextResponse } from "next/server";
import { route } from "@/lib/api/route";
import { tokenParams } from "@/lib/api/schemas";
import { revokeToken } from "@/lib/auth/token-store";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>(async ({ params, caller }) => {
  const { id } = tokenParams.parse(params);
  return NextResponse.json(await revokeToken(caller!.user, id));
}, { access: "viewer" });
