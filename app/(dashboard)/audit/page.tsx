import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/ui/page-header";
import { readAuditPage } from "@/lib/audit/list-events";
import { AUDIT_PAGE_LIMIT } from "@/lib/queries/audit-query";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function AuditPage() {
  await requireUser();
  const initial = await readAuditPage({ limit: AUDIT_PAGE_LIMIT });
  return (
    <>
      <PageHeader
        title="Audit"
        description="Who signed in, archived, verified, restored, exported, deleted or changed a setting, and when. The log is append-only: Kura never edits or deletes an entry, not even for an admin."
      />
      <AuditLog initial={initial} />
    </>
  );
}
