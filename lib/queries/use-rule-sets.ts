"use client";
import { useQuery } from "@tanstack/react-query";
import type { RuleSet } from "@/lib/rules/rule-set-store";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useRuleSets(initialData?: RuleSet[]) {
  return useQuery({ queryKey: queryKeys.ruleSets(), queryFn: () => fetchJson<RuleSet[]>("/api/rule-sets"), initialData });
}
