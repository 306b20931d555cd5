// The audit filters as /api/audit takes them, shared by the page (server) and its hook (client):
// no "use client" here, so server code can read these values.

/** `action` is a prefix ("archive." matches archive.create…), `service` text in target or detail, from/to ISO instants. */
export type AuditQuery = { actor?: string; action?: string; service?: string; from?: string; to?: string };

/** How many events the page shows; the CSV export takes up to the API's maximum. */
export const AUDIT_PAGE_LIMIT = 500;
export const AUDIT_EXPORT_LIMIT = 10_000;

/** The query string for /api/audit, without empty filters. */
export function auditSearch(query: AuditQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...extra })) if (value) params.set(key, value);
  return params.toString();
}
