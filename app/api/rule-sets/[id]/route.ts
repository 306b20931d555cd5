// GET|PUT|DELETE /api/rule-sets/{id}: one rule set (the built-in default is read-only)
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { ruleSetIdParam, updateRuleSetBody } from "@/lib/api/schemas";
import { deleteRuleSet, getRuleSet, updateRuleSet } from "@/lib/rules/rule-set-store";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => NextResponse.json(await getRuleSet(ruleSetIdParam.parse(params).id)));

export const PUT = route<{ id: string }>(async ({ request, params, actor }) => {
  const { id } = ruleSetIdParam.parse(params);
  const body = await readJson(request, updateRuleSetBody);
  return NextResponse.json(await updateRuleSet(id, body, actor));
}, { access: "admin" });

export const DELETE = route<{ id: string }>(async ({ params, actor }) => {
  await deleteRuleSet(ruleSetIdParam.parse(params).id, actor);
  return new NextResponse(null, { status: 204 });
}, { access: "admin" });
