"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { JobView } from "@/lib/jobs/job-runner";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => fetchJson<JobView>(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: "POST" }),
    onSuccess: (_job, jobId) => void queryClient.invalidateQueries({ queryKey: queryKeys.job(jobId) }),
  });
}
