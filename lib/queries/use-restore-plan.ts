"use client";
import { useQuery } from "@tanstack/react-query";
import type { RestorePlanView } from "@/lib/restores/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/**
 * The restore plan for an archive on an engine and base image (no base = the suggested one).
 * A POST because the server asks the base's package repositories, which can take 10-30 s the
 * first time; the answer only changes with the migration rules, whose mutations invalidate it.
 */
export function useRestorePlan(archiveId: string, target: { engineId: string; baseImage?: string }) {
  return useQuery({
    queryKey: queryKeys.restorePlan(archiveId, target.engineId, target.baseImage ?? ""),
    queryFn: () =>
      fetchJson<RestorePlanView>(`/api/archives/${encodeURIComponent(archiveId)}/restore-plan`, {
        method: "POST",
        body: JSON.stringify({ engineId: target.engineId, baseImage: target.baseImage }),
      }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    // A refusal names its reason (unknown base, unreachable engine); asking again only adds 30 s.
    retry: false,
  });
}
