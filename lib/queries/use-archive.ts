"use client";
import { useQuery } from "@tanstack/react-query";
import type { ArchiveDetail } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type { ArchiveDetail };

export function useArchive(id: string, initialData?: ArchiveDetail) {
  return useQuery({
    queryKey: queryKeys.archive(id),
    queryFn: () => fetchJson<ArchiveDetail>(`/api/archives/${encodeURIComponent(id)}`),
    initialData,
    // While it is being made (here or on another dashboard), until it is complete, failed or cancelled.
    refetchInterval: (query) => (query.state.data?.state === "creating" ? 1000 : false),
  });
}
