"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Rule } from "@/lib/changes/classify/types";
import type { RuleSet } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useSaveRuleSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; name?: string; rules: Rule[] }) =>
      fetchJson<RuleSet>(`/api/rule-sets/${encodeURIComponent(input.id)}`, {
        method: "PUT",
        body: JSON.stringify({ name: input.name, rules: input.rules }),
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.ruleSets() });
      // Every container's classification may change with the rules.
      void queryClient.invalidateQueries({ queryKey: ["changes"] });
    },
  });
}
