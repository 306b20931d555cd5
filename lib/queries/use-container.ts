"use client";
import { useQuery } from "@tanstack/react-query";
import type { ContainerDetail } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useContainer(engineId: string, containerRef: string, initialData?: ContainerDetail) {
  return useQuery({
    queryKey: queryKeys.container(engineId, containerRef),
    queryFn: () =>
      fetchJson<ContainerDetail>(`/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}`),
    initialData,
    refetchInterval: 10000,
  });
}
