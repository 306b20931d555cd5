"use client";
import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import type { ChangesSummary } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type ChangesOptions = { ruleSet?: string; sinceMarker?: string; since?: string };

export function changesUrl(
  engineId: string,
  containerRef: string,
  tail: string,
  options: ChangesOptions,
  extra: Record<string, string> = {},
) {
  const params = new URLSearchParams();
  if (options.ruleSet) params.set("ruleSet", options.ruleSet);
  if (options.sinceMarker) params.set("sinceMarker", options.sinceMarker);
  if (options.since) params.set("since", options.since);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const search = params.toString();
  return `/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}/changes${tail}${search ? `?${search}` : ""}`;
}

/**
 * The changes answer without entries, from the server's kept detection; with every entry when there
 * are at most `includeEntriesUpTo`. `detectAgain()` asks the server for a fresh detection.
 */
export function useChangesSummary(engineId: string, containerRef: string, options: ChangesOptions, includeEntriesUpTo: number) {
  const fresh = useRef(false);
  const query = useQuery({
    queryKey: queryKeys.changesSummary(engineId, containerRef, options),
    queryFn: () => {
      const extra: Record<string, string> = { includeEntriesUpTo: String(includeEntriesUpTo) };
      if (fresh.current) extra.fresh = "true";
      fresh.current = false;
      return fetchJson<ChangesSummary>(changesUrl(engineId, containerRef, "/summary", options, extra));
    },
    // Detection reads the container; refetch only when asked or when the rules or ticks change.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    placeholderData: (previous) => previous,
  });
  const detectAgain = () => {
    fresh.current = true;
    return query.refetch();
  };
  return { ...query, detectAgain };
}
