"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DeletedArchive } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useDeleteArchive(archiveId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => fetchJson<DeletedArchive>(`/api/archives/${encodeURIComponent(archiveId)}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.archives() }),
  });
}
