"use client";
import { useQuery } from "@tanstack/react-query";
import type { TokenView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** The signed-in user's own API tokens. */
export function useTokens(initialData?: TokenView[]) {
  return useQuery({ queryKey: queryKeys.tokens(), queryFn: () => fetchJson<TokenView[]>("/api/tokens"), initialData });
}
