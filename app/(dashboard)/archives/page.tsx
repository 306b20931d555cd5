import { ArchivesTable } from "@/components/archives/archives-table";
import { PageHeader } from "@/components/ui/page-header";
import { listArchives } from "@/lib/archives/archive-registry";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function ArchivesPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Archives"
        description="Each archive keeps a retired service's mutable data with a manifest of everything needed to rebuild it. 'Stored' is what it added to the store (shared content is kept once); 'Saving' compares it with keeping the full image."
      />
      <ArchivesTable initial={await listArchives()} />
    </>
  );
}
