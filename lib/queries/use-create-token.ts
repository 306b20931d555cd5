"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreatedToken } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** A new API token; the answer carries its value, which the server never shows again. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) => fetchJson<CreatedToken>("/api/tokens", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allAudit() });
    },
  });
}
