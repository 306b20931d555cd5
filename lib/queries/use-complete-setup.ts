"use client";
import { useMutation } from "@tanstack/react-query";
import type { SetupInput, SignedIn } from "./api-types";
import { fetchJson } from "./fetch-json";

/** Create the first admin with the one-time setup token; answers with a session cookie too. */
export function useCompleteSetup() {
  return useMutation({
    mutationFn: (input: SetupInput) => fetchJson<SignedIn>("/api/auth/setup", { method: "POST", body: JSON.stringify(input) }),
  });
}
