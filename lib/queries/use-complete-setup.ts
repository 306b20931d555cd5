"use client";
import { useMutation } from "@tanstack/react-query";
import type { UserView } from "@/lib/auth/user-store";
import { fetchJson } from "./fetch-json";

/** Create the first admin with the one-time setup token; answers with a session cookie too. */
export function useCompleteSetup() {
  return useMutation({
    mutationFn: (input: { token: string; name: string; password: string }) => fetchJson<{ user: UserView }>("/api/auth/setup", { method: "POST", body: JSON.stringify(input) }),
  });
}
