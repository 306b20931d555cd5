"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MigrationRule } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useDeleteMigrationRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchJson<void>(`/api/migration-rules/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: (_nothing, id) => {
      queryClient.setQueryData<MigrationRule[]>(queryKeys.migrationRules(), (rules) => rules?.filter((rule) => rule.id !== id));
      void queryClient.invalidateQueries({ queryKey: queryKeys.migrationRules() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allRestorePlans() });
    },
  });
}
