// GET /api/users: everyone who can sign in. POST: add a user with a role (admin)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { createUserBody } from "@/lib/api/schemas";
import { createUser, listUsers } from "@/lib/auth/user-store";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listUsers()), { access: "admin" });

export const POST = route(async ({ request, actor }) => NextResponse.json(await createUser(await readJson(request, createUserBody), actor), { status: 201 }), { access: "admin" });
