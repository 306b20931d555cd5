// GET /api/rule-sets: every rule set; POST: create one (empty, from rules, or a copy)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { createRuleSetBody } from "@/lib/api/schemas";
import { createRuleSet, listRuleSets } from "@/lib/rules/rule-set-store";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listRuleSets()));

export const POST = route(async ({ request, actor }) => {
  const body = await readJson(request, createRuleSetBody);
  return NextResponse.json(await createRuleSet(body, actor), { status: 201 });
}, { access: "admin" });
