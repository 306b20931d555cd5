"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { StartArchiveInput, StartedArchive } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useStartArchive(engineId: string, containerRef: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartArchiveInput) =>
      fetchJson<StartedArchive>(`/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}/archives`, {
        method: "POST",
        body: JSON.stringify(input),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.archives() }),
  });
}
