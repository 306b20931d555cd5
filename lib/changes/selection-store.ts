import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { detectionInputsChanged } from "./detection-inputs";

export type Override = { path: string; selected: boolean };
export type StoredSelection = { ruleSetId: string | null; overrides: Override[]; baseContent: boolean; updatedAt: string | null };

export async function getSelection(engineId: string, containerId: string): Promise<StoredSelection> {
  const row = await db.selection.findUnique({ where: { engineId_containerId: { engineId, containerId } } });
  if (!row) return { ruleSetId: null, overrides: [], baseContent: false, updatedAt: null };
  return {
    ruleSetId: row.ruleSetId,
    overrides: JSON.parse(row.overrides) as Override[],
    baseContent: row.baseContent,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function saveSelection(
  engineId: string,
  containerId: string,
  input: { overrides: Override[]; ruleSetId?: string | null; baseContent?: boolean },
  actor: string,
): Promise<StoredSelection> {
  const where = { engineId_containerId: { engineId, containerId } };
  // Only a new rule set or base content changes what kept detections hold (keep-detection.ts); ticks alone do not.
  const before = input.ruleSetId === undefined && input.baseContent === undefined ? null : await db.selection.findUnique({ where });
  const data = {
    overrides: JSON.stringify(input.overrides),
    ...(input.ruleSetId !== undefined ? { ruleSetId: input.ruleSetId } : {}),
    ...(input.baseContent !== undefined ? { baseContent: input.baseContent } : {}),
  };
  const row = await db.selection.upsert({
    where,
    create: { engineId, containerId, ...data },
    update: data,
  });
  const sameRuleSet = input.ruleSetId === undefined || before?.ruleSetId === input.ruleSetId;
  const sameBase = input.baseContent === undefined || (before?.baseContent ?? false) === input.baseContent;
  await detectionInputsChanged({ ticksOnly: sameRuleSet && sameBase });
  await recordEvent({
    actor,
    action: "selection.update",
    target: `container:${engineId}/${containerId.slice(0, 12)}`,
    detail: { overrides: input.overrides.length, ruleSetId: row.ruleSetId, baseContent: row.baseContent },
  });
  return { ruleSetId: row.ruleSetId, overrides: input.overrides, baseContent: row.baseContent, updatedAt: row.updatedAt.toISOString() };
}
