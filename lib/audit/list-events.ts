import { db } from "@/lib/db";

export type AuditEventView = { id: string; at: string; actor: string; action: string; target: string; result: string; detail: Record<string, unknown> };

export type AuditFilter = { actor?: string; action?: string; service?: string; from?: string; to?: string; limit?: number };

/** Audit events, newest first. `action` matches a prefix ("archive" finds archive.create, archive.verify…); `service` is text in the target or detail. */
export async function listEvents(filter: AuditFilter = {}): Promise<AuditEventView[]> {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.action ? { action: { startsWith: filter.action } } : {}),
      ...(filter.service ? { OR: [{ target: { contains: filter.service } }, { detail: { contains: filter.service } }] } : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lte: new Date(filter.to) } : {}) } } : {}),
    },
    orderBy: { at: "desc" },
    take: filter.limit ?? 1000,
  });
  return rows.map((row) => ({ id: row.id, at: row.at.toISOString(), actor: row.actor, action: row.action, target: row.target, result: row.result, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

/** Distinct actors and actions, for the filter menus. */
export async function auditFacets(): Promise<{ actors: string[]; actions: string[] }> {
  const [actors, actions] = await Promise.all([db.auditEvent.findMany({ distinct: ["actor"], select: { actor: true } }), db.auditEvent.findMany({ distinct: ["action"], select: { action: true } })]);
  return { actors: actors.map((row) => row.actor).sort(), actions: actions.map((row) => row.action).sort() };
}

const csvCell = (value: string) => (/[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value) ? `"${value.replace(/^([=+\-@\t])/, "'$1").replace(/"/g, '""')}"` : value);

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are defused with a leading quote. */
export function toCsv(events: AuditEventView[]): string {
  const header = ["at", "actor", "action", "target", "result", "detail"];
  const lines = events.map((event) => [event.at, event.actor, event.action, event.target, event.result, JSON.stringify(event.detail)].map(csvCell).join(","));
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
