import { notFound } from "@/lib/api/app-error";
import { db } from "@/lib/db";

export type AuditEventView = {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** What the target is called now (an archive's or restore's name), null when it has no name or is gone. */
  targetName: string | null;
  result: string;
  detail: Record<string, unknown>;
};

/** Names of the archives and restores the events point at, in two queries. */
async function targetNames(targets: string[]): Promise<Map<string, string>> {
  const idsOf = (kind: string) => [
    ...new Set(targets.filter((target) => target.startsWith(`${kind}:`)).map((target) => target.slice(kind.length + 1))),
  ];
  const [archives, restores] = await Promise.all([
    db.archive.findMany({ where: { id: { in: idsOf("archive") } }, select: { id: true, name: true } }),
    db.restore.findMany({ where: { id: { in: idsOf("restore") } }, select: { id: true, archiveName: true, baseImage: true } }),
  ]);
  return new Map([
    ...archives.map((row) => [`archive:${row.id}`, row.name] as const),
    ...restores.map((row) => [`restore:${row.id}`, `${row.archiveName} on ${row.baseImage}`] as const),
  ]);
}

/** `before`: an event id; only events older than it (the next page). */
export type AuditFilter = {
  actor?: string;
  action?: string;
  service?: string;
  from?: string;
  to?: string;
  limit?: number;
  before?: string;
};

function whereOf(filter: AuditFilter) {
  return {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.service ? { OR: [{ target: { contains: filter.service } }, { detail: { contains: filter.service } }] } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lte: new Date(filter.to) } : {}) } }
      : {}),
  };
}

/** Audit events, newest first. `action` matches a prefix ("archive" finds archive.create, archive.verify…); `service` is text in the target or detail. */
export async function listEvents(filter: AuditFilter = {}): Promise<AuditEventView[]> {
  if (filter.before && !(await db.auditEvent.findUnique({ where: { id: filter.before }, select: { id: true } })))
    throw notFound("audit_event_not_found", `No audit event with id "${filter.before}" to page from; reload the first page.`);
  const rows = await db.auditEvent.findMany({
    where: whereOf(filter),
    // Newest first; the id breaks ties between events of the same millisecond, so pages neither skip nor repeat.
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: filter.limit ?? 1000,
    ...(filter.before ? { cursor: { id: filter.before }, skip: 1 } : {}),
  });
  const names = await targetNames(rows.map((row) => row.target));
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    targetName: names.get(row.target) ?? null,
    result: row.result,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }));
}

export type AuditPage = {
  events: AuditEventView[];
  facets: { actors: string[]; actions: string[] };
  total: number;
  nextBefore: string | null;
};

/** One page of events for the page and the API: the events, how many match in all, and the cursor of the next page. */
export async function readAuditPage(filter: AuditFilter & { limit: number }): Promise<AuditPage> {
  const [events, total, facets] = await Promise.all([listEvents(filter), db.auditEvent.count({ where: whereOf(filter) }), auditFacets()]);
  return { events, facets, total, nextBefore: events.length === filter.limit ? events[events.length - 1]!.id : null };
}

/** Distinct actors and actions, for the filter menus. */
export async function auditFacets(): Promise<{ actors: string[]; actions: string[] }> {
  const [actors, actions] = await Promise.all([
    db.auditEvent.findMany({ distinct: ["actor"], select: { actor: true } }),
    db.auditEvent.findMany({ distinct: ["action"], select: { action: true } }),
  ]);
  return { actors: actors.map((row) => row.actor).sort(), actions: actions.map((row) => row.action).sort() };
}

const csvCell = (value: string) =>
  /[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value) ? `"${value.replace(/^([=+\-@\t])/, "'$1").replace(/"/g, '""')}"` : value;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are defused with a leading quote. */
export function toCsv(events: AuditEventView[]): string {
  const header = ["at", "actor", "action", "target", "result", "detail"];
  const lines = events.map((event) =>
    [event.at, event.actor, event.action, event.target, event.result, JSON.stringify(event.detail)].map(csvCell).join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
