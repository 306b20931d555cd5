"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TokenView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchJson<TokenView>(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: (revoked) => {
      queryClient.setQueryData<TokenView[]>(queryKeys.tokens(), (tokens) =>
        tokens?.map((token) => (token.id === revoked.id ? revoked : token)),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allAudit() });
    },
  });
}
