"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MigrationRule, MigrationRuleInput } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** Creates a rule (no id) or replaces one (with its id; a built-in one may only be switched off or on). */
export function useSaveMigrationRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rule }: { id?: string; rule: MigrationRuleInput }) =>
      id
        ? fetchJson<MigrationRule>(`/api/migration-rules/${encodeURIComponent(id)}`, { method: "PUT", body: JSON.stringify(rule) })
        : fetchJson<MigrationRule>("/api/migration-rules", { method: "POST", body: JSON.stringify(rule) }),
    onSuccess: (saved) => {
      // Show the saved rule at once; the refetch then brings the server's order.
      queryClient.setQueryData<MigrationRule[]>(queryKeys.migrationRules(), (rules) =>
        rules
          ? rules.some((rule) => rule.id === saved.id)
            ? rules.map((rule) => (rule.id === saved.id ? saved : rule))
            : [...rules, saved]
          : rules,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.migrationRules() });
      // Every plan lists the rules with their status.
      void queryClient.invalidateQueries({ queryKey: queryKeys.allRestorePlans() });
    },
  });
}
