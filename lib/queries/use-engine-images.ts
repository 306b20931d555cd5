"use client";
import { useQuery } from "@tanstack/react-query";
import type { EngineImage } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type { EngineImage };

/** The tagged images on an engine: what a restore may use as its base. */
export function useEngineImages(engineId: string | null) {
  return useQuery({
    enabled: Boolean(engineId),
    queryKey: queryKeys.engineImages(engineId ?? ""),
    queryFn: () => fetchJson<EngineImage[]>(`/api/engines/${encodeURIComponent(engineId ?? "")}/images`),
    staleTime: 30_000,
  });
}
