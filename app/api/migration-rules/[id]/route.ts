// PUT /api/migration-rules/{id}: edit a user rule (or switch a built-in one off/on). DELETE: remove a user rule
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { migrationRuleBody, migrationRuleParams } from "@/lib/api/schemas";
import { deleteMigrationRule, updateMigrationRule } from "@/lib/restores/migration-rule-store";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>(async ({ request, params, actor }) => {
  const { id } = migrationRuleParams.parse(params);
  const body = await readJson(request, migrationRuleBody);
  return NextResponse.json(await updateMigrationRule(id, body, actor));
}, { access: "admin" });

export const DELETE = route<{ id: string }>(async ({ params, actor }) => {
  const { id } = migrationRuleParams.parse(params);
  await deleteMigrationRule(id, actor);
  return new NextResponse(null, { status: 204 });
}, { access: "admin" });
