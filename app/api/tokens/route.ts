// GET /api/tokens: your API tokens. POST: create one (its value is shown once)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { createTokenBody } from "@/lib/api/schemas";
import { createToken, listTokens } from "@/lib/auth/token-store";

export const dynamic = "force-dynamic";

// Every role may hold tokens of its own: a token acts with its owner's role, no more.
export const GET = route(async ({ caller }) => NextResponse.json(await listTokens(caller!.user.id)), { access: "viewer" });

export const POST = route(async ({ request, caller }) => {
  const { name } = await readJson(request, createTokenBody);
  return NextResponse.json(await createToken(caller!.user, name), { status: 201 });
}, { access: "viewer" });
