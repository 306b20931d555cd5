"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AddEngineInput, EngineView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useAddEngine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AddEngineInput) => fetchJson<EngineView>("/api/engines", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.engines() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allContainers() });
    },
  });
}
