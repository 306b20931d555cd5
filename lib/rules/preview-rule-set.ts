import type { Rule } from "@/lib/changes/classify/types";
import { previewRules } from "@/lib/rules/language/preview-rules";
import { getRuleSet } from "@/lib/rules/rule-set-store";
import { detectContainerChanges } from "../changes/detect-container-changes";

/** Counts and bytes each rule matches on a container's changes, for saved or draft rules. */
export async function previewRuleSet(ruleSetId: string, input: { engineId: string; containerRef: string; rules?: Rule[] }) {
  const ruleSet = await getRuleSet(ruleSetId);
  const rules = input.rules ?? ruleSet.rules;
  const detected = await detectContainerChanges(input.engineId, input.containerRef, { ruleSetId, packageChecks: false });
  return { ruleSetId, container: detected.container, ...previewRules(rules, detected.entries) };
}
