import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import type { Rule } from "@/lib/changes/classify/types";
import { db } from "@/lib/db";
import { DEFAULT_RULE_SET_NAME, DEFAULT_RULES } from "@/lib/rules/language/default-rules";
import { detectionInputsChanged } from "@/lib/changes/detection-inputs";

export type RuleSet = { id: string; name: string; builtIn: boolean; rules: Rule[]; createdAt: string; updatedAt: string };

export const DEFAULT_RULE_SET_ID = "default";

type Row = { id: string; name: string; builtIn: boolean; rules: string; createdAt: Date; updatedAt: Date };

function toRuleSet(row: Row): RuleSet {
  return {
    id: row.id,
    name: row.name,
    builtIn: row.builtIn,
    rules: JSON.parse(row.rules) as Rule[],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

let seeded = false;

/** The built-in set always matches the shipped defaults (a new Kura version may improve them). */
async function ensureDefaultSet(): Promise<void> {
  if (seeded) return;
  const rules = JSON.stringify(DEFAULT_RULES);
  await db.ruleSet.upsert({
    where: { id: DEFAULT_RULE_SET_ID },
    create: { id: DEFAULT_RULE_SET_ID, name: DEFAULT_RULE_SET_NAME, builtIn: true, rules },
    update: { rules, builtIn: true },
  });
  seeded = true;
}

export async function listRuleSets(): Promise<RuleSet[]> {
  await ensureDefaultSet();
  const rows = await db.ruleSet.findMany({ orderBy: [{ builtIn: "desc" }, { name: "asc" }] });
  return rows.map(toRuleSet);
}

export async function getRuleSet(id: string): Promise<RuleSet> {
  await ensureDefaultSet();
  const row = await db.ruleSet.findUnique({ where: { id } });
  if (!row) throw notFound("rule_set_not_found", `No rule set with id "${id}". GET /api/rule-sets lists them.`);
  return toRuleSet(row);
}

export async function createRuleSet(input: { name: string; rules?: Rule[]; copyFrom?: string }, actor: string): Promise<RuleSet> {
  await ensureDefaultSet();
  if (await db.ruleSet.findUnique({ where: { name: input.name } }))
    throw conflict("rule_set_name_taken", `A rule set named "${input.name}" already exists.`);
  const rules = input.rules ?? (input.copyFrom ? (await getRuleSet(input.copyFrom)).rules : DEFAULT_RULES);
  const row = await db.ruleSet.create({ data: { name: input.name, rules: JSON.stringify(rules) } });
  await recordEvent({
    actor,
    action: "rule-set.create",
    target: `rule-set:${row.name}`,
    detail: { rules: rules.length, copyFrom: input.copyFrom ?? null },
  });
  return toRuleSet(row);
}

export async function updateRuleSet(id: string, input: { name?: string; rules: Rule[] }, actor: string): Promise<RuleSet> {
  const existing = await getRuleSet(id);
  if (existing.builtIn)
    throw new AppError(
      409,
      "rule_set_built_in",
      "The built-in default set cannot be changed; copy it into a set of your own and edit that.",
    );
  if (input.name && input.name !== existing.name && (await db.ruleSet.findUnique({ where: { name: input.name } }))) {
    throw conflict("rule_set_name_taken", `A rule set named "${input.name}" already exists.`);
  }
  const row = await db.ruleSet.update({ where: { id }, data: { name: input.name ?? existing.name, rules: JSON.stringify(input.rules) } });
  await detectionInputsChanged();
  await recordEvent({ actor, action: "rule-set.update", target: `rule-set:${row.name}`, detail: { rules: input.rules.length } });
  return toRuleSet(row);
}

export async function deleteRuleSet(id: string, actor: string): Promise<void> {
  const existing = await getRuleSet(id);
  if (existing.builtIn) throw new AppError(409, "rule_set_built_in", "The built-in default set cannot be deleted.");
  await db.$transaction([
    db.selection.updateMany({ where: { ruleSetId: id }, data: { ruleSetId: null } }),
    db.ruleSet.delete({ where: { id } }),
  ]);
  await detectionInputsChanged();
  await recordEvent({ actor, action: "rule-set.delete", target: `rule-set:${existing.name}` });
}
