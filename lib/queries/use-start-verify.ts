"use client";
import { useMutation } from "@tanstack/react-query";
import type { StartedJob } from "./api-types";
import { fetchJson } from "./fetch-json";

export function useStartVerify(archiveId: string) {
  return useMutation({
    mutationFn: () => fetchJson<StartedJob>(`/api/archives/${encodeURIComponent(archiveId)}/verify`, { method: "POST" }),
  });
}
