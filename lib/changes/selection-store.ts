import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { detectionInputsChanged } from "./detection-inputs";

export type Override = { path: string; selected: boolean };
export type StoredSelection = { ruleSetId: string | null; overrides: Override[]; updatedAt: string | null };

export async function getSelection(engineId: string, containerId: string): Promise<StoredSelection> {
  const row = await db.selection.findUnique({ where: { engineId_containerId: { engineId, containerId } } });
  if (!row) return { ruleSetId: null, overrides: [], updatedAt: null };
  return { ruleSetId: row.ruleSetId, overrides: JSON.parse(row.overrides) as Override[], updatedAt: row.updatedAt.toISOString() };
}

export async function saveSelection(
  engineId: string,
  containerId: string,
  input: { overrides: Override[]; ruleSetId?: string | null },
  actor: string,
): Promise<StoredSelection> {
  const where = { engineId_containerId: { engineId, containerId } };
  // Only a new rule set changes what kept detections hold (keep-detection.ts); ticks alone do not.
  const before = input.ruleSetId === undefined ? null : await db.selection.findUnique({ where });
  const data = { overrides: JSON.stringify(input.overrides), ...(input.ruleSetId !== undefined ? { ruleSetId: input.ruleSetId } : {}) };
  const row = await db.selection.upsert({
    where,
    create: { engineId, containerId, ...data },
    update: data,
  });
  detectionInputsChanged({ ticksOnly: input.ruleSetId === undefined || before?.ruleSetId === input.ruleSetId });
  await recordEvent({
    actor,
    action: "selection.update",
    target: `container:${engineId}/${containerId.slice(0, 12)}`,
    detail: { overrides: input.overrides.length, ruleSetId: row.ruleSetId },
  });
  return { ruleSetId: row.ruleSetId, overrides: input.overrides, updatedAt: row.updatedAt.toISOString() };
}
