// GET /api/audit: the audit log, newest first, filtered by actor, action, service and time, a page at a time (?before=); ?format=csv downloads it
import { listAudit } from "@/lib/api/contract/audit";
import { route } from "@/lib/api/route";
import { listEvents, readAuditPage, toCsv } from "@/lib/audit/list-events";

export const dynamic = "force-dynamic";

export const GET = route(listAudit, async ({ query }) => {
  const { format, ...filter } = query;
  if (format === "csv")
    return new Response(toCsv(await listEvents(filter)), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="kura-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      },
    });
  return readAuditPage(filter);
});
