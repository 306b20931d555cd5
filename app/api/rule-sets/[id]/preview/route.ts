// POST /api/rule-sets/{id}/preview: what each rule (saved, or the unsaved draft in the body) matches on a container
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { previewBody, ruleSetIdParam } from "@/lib/api/schemas";
import { previewRuleSet } from "@/lib/rules/preview-rule-set";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async ({ request, params, caller }) => {
  const { id } = ruleSetIdParam.parse(params);
  const body = await readJson(request, previewBody);
  return NextResponse.json(await previewRuleSet(id, body, caller?.user.name ?? null));
}, { access: "viewer" });
