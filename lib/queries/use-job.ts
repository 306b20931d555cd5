"use client";
import { useQuery } from "@tanstack/react-query";
import type { JobView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

/** Polls a job while it runs; stops once it has ended. */
export function useJob(jobId: string | null) {
  return useQuery({
    enabled: Boolean(jobId),
    queryKey: queryKeys.job(jobId ?? ""),
    queryFn: () => fetchJson<JobView>(`/api/jobs/${encodeURIComponent(jobId ?? "")}`),
    refetchInterval: (query) =>
      query.state.data && query.state.data.state !== "running" && query.state.data.state !== "queued" ? false : 500,
  });
}
