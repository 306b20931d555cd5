"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreateRuleSetInput, RuleSet } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCreateRuleSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateRuleSetInput) => fetchJson<RuleSet>("/api/rule-sets", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.ruleSets() }),
  });
}
