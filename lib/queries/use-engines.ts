"use client";
import { useQuery } from "@tanstack/react-query";
import type { EngineView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useEngines(initialData?: EngineView[]) {
  return useQuery({
    queryKey: queryKeys.engines(),
    queryFn: () => fetchJson<EngineView[]>("/api/engines"),
    initialData,
    refetchInterval: 5000,
  });
}
