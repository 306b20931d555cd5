// GET /api/audit: the audit log, newest first, filtered by actor, action, service and time, a page at a time (?before=); ?format=csv downloads it
import { NextResponse } from "next/server";
import { readQuery, route } from "@/lib/api/route";
import { auditQuery } from "@/lib/api/schemas";
import { listEvents, readAuditPage, toCsv } from "@/lib/audit/list-events";

export const dynamic = "force-dynamic";

export const GET = route(async ({ request }) => {
  const { format, ...filter } = readQuery(request, auditQuery);
  if (format === "csv")
    return new Response(toCsv(await listEvents(filter)), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="kura-audit-${new Date().toISOString().slice(0, 10)}.csv"` },
    });
  return NextResponse.json(await readAuditPage(filter));
});
