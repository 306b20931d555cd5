"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AuditEventView } from "@/lib/audit/list-events";
import { AUDIT_PAGE_LIMIT, auditSearch, type AuditQuery } from "./audit-query";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type AuditPage = { events: AuditEventView[]; facets: { actors: string[]; actions: string[] } };

/** The newest events matching `query`; the previous answer stays on screen while a new filter loads. */
export function useAudit(query: AuditQuery, initialData?: AuditPage) {
  return useQuery({
    queryKey: queryKeys.audit(query),
    queryFn: () => fetchJson<AuditPage>(`/api/audit?${auditSearch(query, { limit: String(AUDIT_PAGE_LIMIT) })}`),
    initialData,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}
