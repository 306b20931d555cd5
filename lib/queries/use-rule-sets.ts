"use client";
import { useQuery } from "@tanstack/react-query";
import type { RuleSet } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useRuleSets(initialData?: RuleSet[]) {
  return useQuery({ queryKey: queryKeys.ruleSets(), queryFn: () => fetchJson<RuleSet[]>("/api/rule-sets"), initialData });
}
