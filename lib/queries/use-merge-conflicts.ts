"use client";
import { useQuery } from "@tanstack/react-query";
import type { MergeConflicts } from "@/lib/restores/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** A restore plan's configuration merge conflicts with their three versions (asked only when the plan has conflicts). */
export function useMergeConflicts(archiveId: string, target: { engineId: string; baseImage: string }, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.mergeConflicts(archiveId, target.engineId, target.baseImage),
    queryFn: () =>
      fetchJson<MergeConflicts>(`/api/archives/${encodeURIComponent(archiveId)}/merge-conflicts`, {
        method: "POST",
        body: JSON.stringify(target),
      }),
    enabled,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
