"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { JobView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => fetchJson<JobView>(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: "POST" }),
    onSuccess: (_job, jobId) => void queryClient.invalidateQueries({ queryKey: queryKeys.job(jobId) }),
  });
}
