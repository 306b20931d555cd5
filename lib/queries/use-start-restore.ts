"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { StartRestoreInput } from "@/lib/restores/types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useStartRestore(archiveId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartRestoreInput) =>
      fetchJson<{ jobId: string; restoreId: string }>(`/api/archives/${encodeURIComponent(archiveId)}/restores`, {
        method: "POST",
        body: JSON.stringify(input),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.archiveRestores(archiveId) }),
  });
}
