// GET /api/migration-rules: built-in and user rules. POST: add a rule
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { migrationRuleBody } from "@/lib/api/schemas";
import { createMigrationRule, listMigrationRules } from "@/lib/restores/migration-rule-store";

export const dynamic = "force-dynamic";

export const GET = route(async () => NextResponse.json(await listMigrationRules()));

export const POST = route(async ({ request, actor }) => {
  const body = await readJson(request, migrationRuleBody);
  return NextResponse.json(await createMigrationRule(body, actor), { status: 201 });
}, { access: "admin" });
