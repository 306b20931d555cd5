"use client";
import { useQuery } from "@tanstack/react-query";
import type { CapturePlan } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCapturePlan(engineId: string, containerRef: string) {
  return useQuery({
    queryKey: queryKeys.capturePlan(engineId, containerRef),
    queryFn: () =>
      fetchJson<CapturePlan>(`/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}/capture-plan`),
  });
}
