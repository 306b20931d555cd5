"use client";
import { useQuery } from "@tanstack/react-query";
import type { ArchiveSummary } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useArchives(initialData?: ArchiveSummary[]) {
  return useQuery({
    queryKey: queryKeys.archives(),
    queryFn: () => fetchJson<ArchiveSummary[]>("/api/archives"),
    initialData,
    refetchInterval: 5000,
  });
}
