"use client";
import { useMutation } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";

export function useStartVerify(archiveId: string) {
  return useMutation({ mutationFn: () => fetchJson<{ jobId: string }>(`/api/archives/${encodeURIComponent(archiveId)}/verify`, { method: "POST" }) });
}
