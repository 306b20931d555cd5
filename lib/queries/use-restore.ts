"use client";
import { useQuery } from "@tanstack/react-query";
import type { RestoreView } from "@/lib/restores/types";
import { ApiError, fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

const ENDED_STATES = new Set(["succeeded", "failed", "cancelled"]);

/** Whether a restore has stopped changing (its state is one of the final ones). */
export function restoreEnded(state: string): boolean {
  return ENDED_STATES.has(state);
}

/** One restore with its build log; polled every second until it has ended. */
export function useRestore(restoreId: string | null, initialData?: RestoreView) {
  return useQuery({
    enabled: Boolean(restoreId),
    queryKey: queryKeys.restore(restoreId ?? ""),
    queryFn: () => fetchJson<RestoreView>(`/api/restores/${encodeURIComponent(restoreId ?? "")}`),
    initialData,
    // An unknown id stays unknown: say so at once instead of asking again.
    retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 1,
    refetchInterval: (query) => {
      const error = query.state.error;
      if (error instanceof ApiError && error.status < 500) return false;
      return query.state.data && restoreEnded(query.state.data.state) ? false : 1000;
    },
  });
}
