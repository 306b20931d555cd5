"use client";
import { useMutation } from "@tanstack/react-query";
import type { UserView } from "@/lib/auth/user-store";
import { fetchJson } from "./fetch-json";

/** Name and password for a session cookie; the caller then loads the next page afresh. */
export function useSignIn() {
  return useMutation({
    mutationFn: (input: { name: string; password: string }) => fetchJson<{ user: UserView }>("/api/auth/sign-in", { method: "POST", body: JSON.stringify(input) }),
  });
}
