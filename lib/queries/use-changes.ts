"use client";
import { useQuery } from "@tanstack/react-query";
import type { DetectedChanges } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useChanges(engineId: string, containerRef: string, options: { ruleSet?: string; sinceMarker?: string; since?: string }) {
  const params = new URLSearchParams();
  if (options.ruleSet) params.set("ruleSet", options.ruleSet);
  if (options.sinceMarker) params.set("sinceMarker", options.sinceMarker);
  if (options.since) params.set("since", options.since);
  const search = params.toString();
  return useQuery({
    queryKey: queryKeys.changes(engineId, containerRef, options),
    queryFn: () =>
      fetchJson<DetectedChanges>(
        `/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}/changes${search ? `?${search}` : ""}`,
      ),
    // Detection reads the container; refetch only when asked or when the rules change.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    placeholderData: (previous) => previous,
  });
}
