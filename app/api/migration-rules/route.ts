// GET /api/migration-rules: built-in and user rules. POST: add a rule
import { createMigrationRule as createEntry, listMigrationRules as listEntry } from "@/lib/api/contract/migration-rules";
import { route } from "@/lib/api/route";
import { createMigrationRule, listMigrationRules } from "@/lib/restores/migration-rule-store";

export const dynamic = "force-dynamic";

export const GET = route(listEntry, async () => listMigrationRules());

export const POST = route(createEntry, async ({ body, actor }) => createMigrationRule(body, actor));
