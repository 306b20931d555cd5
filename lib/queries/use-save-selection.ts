"use client";
import { useMutation } from "@tanstack/react-query";
import type { SelectionInput, StoredSelection } from "./api-types";
import { fetchJson } from "./fetch-json";

/** Saves ticks as they happen; the tree already shows them, so nothing needs refetching. */
export function useSaveSelection(engineId: string, containerRef: string) {
  return useMutation({
    mutationFn: (input: SelectionInput) =>
      fetchJson<StoredSelection>(`/api/engines/${encodeURIComponent(engineId)}/containers/${encodeURIComponent(containerRef)}/selection`, {
        method: "PUT",
        body: JSON.stringify(input),
      }),
  });
}
