"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useDeleteEngine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (engineId: string) => fetchJson<void>(`/api/engines/${encodeURIComponent(engineId)}`, { method: "DELETE" }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.engines() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allContainers() });
    },
  });
}
