"use client";
import { useMutation } from "@tanstack/react-query";
import type { SignedIn, SignInInput } from "./api-types";
import { fetchJson } from "./fetch-json";

/** Name and password for a session cookie; the caller then loads the next page afresh. */
export function useSignIn() {
  return useMutation({
    mutationFn: (input: SignInInput) => fetchJson<SignedIn>("/api/auth/sign-in", { method: "POST", body: JSON.stringify(input) }),
  });
}
