// PUT /api/migration-rules/{id}: edit a user rule (or switch a built-in one off/on). DELETE: remove a user rule
import { deleteMigrationRule as deleteEntry, updateMigrationRule as updateEntry } from "@/lib/api/contract/migration-rules";
import { route } from "@/lib/api/route";
import { deleteMigrationRule, updateMigrationRule } from "@/lib/restores/migration-rule-store";

export const dynamic = "force-dynamic";

export const PUT = route(updateEntry, async ({ params, body, actor }) => updateMigrationRule(params.id, body, actor));

export const DELETE = route(deleteEntry, async ({ params, actor }) => {
  await deleteMigrationRule(params.id, actor);
  return null;
});
