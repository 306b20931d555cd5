"use client";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AuditPage } from "./api-types";
import { AUDIT_PAGE_LIMIT, auditSearch, type AuditQuery } from "./audit-query";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type { AuditPage };

/**
 * The events matching `query`, newest first, a page at a time (fetchNextPage loads older ones); the previous
 * answer stays on screen while a new filter loads.
 */
export function useAudit(query: AuditQuery, initialPage?: AuditPage) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(query),
    queryFn: ({ pageParam }) =>
      fetchJson<AuditPage>(
        `/api/audit?${auditSearch(query, { limit: String(AUDIT_PAGE_LIMIT), ...(pageParam ? { before: pageParam } : {}) })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextBefore,
    ...(initialPage ? { initialData: { pages: [initialPage], pageParams: [null] } } : {}),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}
