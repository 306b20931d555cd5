"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";

export type MergeResolutionInput = { path: string; newDefaultSha256: string; text: string };

/** Saves a person's resolution of a merge conflict; the plan and the conflicts are asked for again (the file is resolved). */
export function useSaveMergeResolution(archiveId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: MergeResolutionInput) =>
      fetchJson<{ path: string; newDefaultSha256: string; savedBy: string; savedAt: string }>(
        `/api/archives/${encodeURIComponent(archiveId)}/merge-resolutions`,
        { method: "PUT", body: JSON.stringify(input) },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["merge-conflicts", archiveId] });
      void queryClient.invalidateQueries({ queryKey: ["restore-plan", archiveId] });
    },
  });
}
