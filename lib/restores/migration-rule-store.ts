import { AppError, notFound } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { migrationActionSchema, type MigrationRule } from "@/lib/restores/plan/migration-rule-schema";

// Migration rules: the built-in ones (shipped in code, read-only; a person may only switch one
// off, which stores a row with the built-in's id) and the ones people add (rows of their own).

export type MigrationRuleInput = Pick<MigrationRule, "package" | "fromVersions" | "toVersions" | "action" | "note" | "enabled">;

type Row = { id: string; package: string; fromVersions: string; toVersions: string; action: string; note: string; enabled: boolean };

const builtInIds = new Set(BUILTIN_MIGRATION_RULES.map((rule) => rule.id));

function toRule(row: Row): MigrationRule {
  return {
    id: row.id,
    package: row.package,
    fromVersions: row.fromVersions,
    toVersions: row.toVersions,
    action: migrationActionSchema.parse(JSON.parse(row.action)),
    note: row.note,
    builtIn: false,
    enabled: row.enabled,
  };
}

export async function listMigrationRules(): Promise<MigrationRule[]> {
  const rows = await db.migrationRule.findMany({ orderBy: { createdAt: "asc" } });
  const switches = new Map(rows.filter((row) => builtInIds.has(row.id)).map((row) => [row.id, row.enabled]));
  const builtIns = BUILTIN_MIGRATION_RULES.map((rule) => ({ ...rule, enabled: switches.get(rule.id) ?? true }));
  return [...builtIns, ...rows.filter((row) => !builtInIds.has(row.id)).map(toRule)];
}

async function findRule(id: string): Promise<MigrationRule> {
  const rule = (await listMigrationRules()).find((candidate) => candidate.id === id);
  if (!rule) throw notFound("migration_rule_not_found", `No migration rule with id "${id}". GET /api/migration-rules lists them.`);
  return rule;
}

export async function createMigrationRule(input: MigrationRuleInput, actor: string): Promise<MigrationRule> {
  const row = await db.migrationRule.create({ data: { ...input, action: JSON.stringify(input.action), createdBy: actor } });
  await recordEvent({
    actor,
    action: "migration-rule.create",
    target: `migration-rule:${row.id}`,
    detail: { package: input.package, action: input.action.kind },
  });
  return toRule(row);
}

export async function updateMigrationRule(id: string, input: MigrationRuleInput, actor: string): Promise<MigrationRule> {
  const existing = await findRule(id);
  if (existing.builtIn) {
    const changed =
      (["package", "fromVersions", "toVersions", "note"] as const).some((key) => input[key] !== existing[key]) ||
      JSON.stringify(input.action) !== JSON.stringify(existing.action);
    if (changed)
      throw new AppError(
        409,
        "migration_rule_built_in",
        "Built-in migration rules cannot be edited, only switched off or on. Add a rule of your own instead.",
      );
    const data = {
      package: existing.package,
      fromVersions: existing.fromVersions,
      toVersions: existing.toVersions,
      action: JSON.stringify(existing.action),
      note: existing.note,
      enabled: input.enabled,
      createdBy: actor,
    };
    await db.migrationRule.upsert({ where: { id }, create: { id, ...data }, update: { enabled: input.enabled } });
    await recordEvent({ actor, action: "migration-rule.update", target: `migration-rule:${id}`, detail: { enabled: input.enabled } });
    return { ...existing, enabled: input.enabled };
  }
  const row = await db.migrationRule.update({ where: { id }, data: { ...input, action: JSON.stringify(input.action) } });
  await recordEvent({
    actor,
    action: "migration-rule.update",
    target: `migration-rule:${id}`,
    detail: { package: input.package, action: input.action.kind, enabled: input.enabled },
  });
  return toRule(row);
}

export async function deleteMigrationRule(id: string, actor: string): Promise<void> {
  const existing = await findRule(id);
  if (existing.builtIn)
    throw new AppError(409, "migration_rule_built_in", "Built-in migration rules cannot be deleted; switch it off instead.");
  await db.migrationRule.delete({ where: { id } });
  await recordEvent({ actor, action: "migration-rule.delete", target: `migration-rule:${id}`, detail: { package: existing.package } });
}
