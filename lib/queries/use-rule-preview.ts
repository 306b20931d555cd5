"use client";
import { useQuery } from "@tanstack/react-query";
import type { Rule } from "@/lib/changes/classify/types";
import type { RulePreview } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type { RulePreview };

/** Live preview of draft rules on a container; re-asks when the draft changes. */
export function useRulePreview(ruleSetId: string, target: { engineId: string; containerRef: string } | null, rules: Rule[]) {
  const rulesKey = JSON.stringify(rules);
  return useQuery({
    enabled: Boolean(target),
    queryKey: queryKeys.rulePreview(ruleSetId, target?.engineId ?? "", target?.containerRef ?? "", rulesKey),
    queryFn: () =>
      fetchJson<RulePreview>(`/api/rule-sets/${encodeURIComponent(ruleSetId)}/preview`, {
        method: "POST",
        body: JSON.stringify({ ...target, rules }),
      }),
    placeholderData: (previous) => previous,
    staleTime: 30_000,
  });
}
