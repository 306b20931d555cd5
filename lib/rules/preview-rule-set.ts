import { setImmediate as nextTurn } from "node:timers/promises";
import type { Rule } from "@/lib/changes/classify/types";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";
import { startRulesPreview } from "@/lib/rules/language/preview-rules";
import { getRuleSet } from "@/lib/rules/rule-set-store";

// Entries matched between two turns of the event loop: a container with a million files, or rules
// that are slow to match, must not keep the server from answering other requests meanwhile.
const BATCH = 500;

/** Counts and bytes each rule matches on a container's changes, for saved or draft rules. `caller` bounds detections (share-detection.ts). */
export async function previewRuleSet(
  ruleSetId: string,
  input: { engineId: string; containerRef: string; rules?: Rule[] },
  caller: string | null = null,
) {
  const ruleSet = await getRuleSet(ruleSetId);
  const rules = input.rules ?? ruleSet.rules;
  const detected = await detectContainerChangesShared(input.engineId, input.containerRef, { ruleSetId, packageChecks: false }, caller);
  const preview = startRulesPreview(rules);
  for (let start = 0; start < detected.entries.length; start += BATCH) {
    if (start > 0) await nextTurn();
    for (const entry of detected.entries.slice(start, start + BATCH)) preview.add(entry);
  }
  return { ruleSetId, container: detected.container, ...preview.result() };
}
