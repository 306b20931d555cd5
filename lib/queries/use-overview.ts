"use client";
import { useQuery } from "@tanstack/react-query";
import type { Overview } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useOverview(initialData?: Overview) {
  return useQuery({
    queryKey: queryKeys.overview(),
    queryFn: () => fetchJson<Overview>("/api/overview"),
    initialData,
    refetchInterval: 10_000,
  });
}
