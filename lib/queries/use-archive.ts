"use client";
import { useQuery } from "@tanstack/react-query";
import type { Manifest } from "@/lib/archives/manifest";
import type { ArchiveSummary } from "@/lib/archives/archive-registry";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type ArchiveDetail = ArchiveSummary & { manifest: Manifest | null };

export function useArchive(id: string, initialData?: ArchiveDetail) {
  return useQuery({ queryKey: queryKeys.archive(id), queryFn: () => fetchJson<ArchiveDetail>(`/api/archives/${encodeURIComponent(id)}`), initialData });
}
