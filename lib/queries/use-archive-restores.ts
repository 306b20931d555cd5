"use client";
import { useQuery } from "@tanstack/react-query";
import type { RestoreView } from "@/lib/restores/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** An archive's restores, newest first (without log and Dockerfile). */
export function useArchiveRestores(archiveId: string, initialData?: RestoreView[]) {
  return useQuery({
    queryKey: queryKeys.archiveRestores(archiveId),
    queryFn: () => fetchJson<RestoreView[]>(`/api/archives/${encodeURIComponent(archiveId)}/restores`),
    initialData,
    refetchInterval: (query) => (query.state.data?.some((restore) => restore.state === "running") ? 2000 : 10_000),
  });
}
