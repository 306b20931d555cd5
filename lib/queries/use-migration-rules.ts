"use client";
import { useQuery } from "@tanstack/react-query";
import type { MigrationRule } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useMigrationRules(initialData?: MigrationRule[]) {
  return useQuery({ queryKey: queryKeys.migrationRules(), queryFn: () => fetchJson<MigrationRule[]>("/api/migration-rules"), initialData });
}
