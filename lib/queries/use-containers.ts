"use client";
import { useQuery } from "@tanstack/react-query";
import type { ContainerFilter } from "@/lib/containers/list-all-containers";
import type { ContainerRow } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

function toSearch(filter: ContainerFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Polls so that a container stopped elsewhere changes state on the page without a reload. */
export function useContainers(filter: ContainerFilter, initialData?: ContainerRow[]) {
  return useQuery({
    queryKey: queryKeys.containers(filter),
    queryFn: () => fetchJson<ContainerRow[]>(`/api/containers${toSearch(filter)}`),
    initialData,
    refetchInterval: 2500,
    placeholderData: (previous) => previous,
  });
}
