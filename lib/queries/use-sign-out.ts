"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";

/** Ends this browser's session and forgets every cached answer, which belonged to the user leaving. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => fetchJson<{ ok: boolean }>("/api/auth/sign-out", { method: "POST" }),
    onSettled: () => queryClient.clear(),
  });
}
