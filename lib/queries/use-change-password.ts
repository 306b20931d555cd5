"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ChangePasswordInput } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** Change your own password (the current one is asked); your other sessions end. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChangePasswordInput) =>
      fetchJson<{ changed: true }>("/api/auth/password", { method: "PUT", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.allAudit() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens() });
    },
  });
}
