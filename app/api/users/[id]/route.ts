// PUT /api/users/{id}: change a user's role, password or disabled flag (admin)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { updateUserBody, userParams } from "@/lib/api/schemas";
import { updateUser } from "@/lib/auth/user-store";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>(async ({ request, params, actor }) => {
  const { id } = userParams.parse(params);
  return NextResponse.json(await updateUser(id, await readJson(request, updateUserBody), actor));
}, { access: "admin" });
