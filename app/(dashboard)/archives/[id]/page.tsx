import Link from "next/link";
import { ArchiveDetail } from "@/components/archives/archive-detail";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { loadForPage } from "@/lib/api/load-for-page";
import { archiveParams } from "@/lib/api/schemas";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { maskManifestFor } from "@/lib/auth/mask-for-role";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function ArchivePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { data: detail, failure } = await loadForPage(archiveParams, await params, "That is not a valid archive id.", async ({ id }) => {
    const [summary, manifest] = await Promise.all([getArchiveSummary(id), readManifest(id)]);
    return { ...summary, manifest: manifest && maskManifestFor(user.role, manifest) };
  });
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/archives">
          Archives
        </Link>
      </div>
      {detail ? (
        <>
          <PageHeader
            title={detail.name}
            description={`Archive of ${detail.container.name} (${detail.container.image}) on ${detail.engine.name}.`}
          />
          <ArchiveDetail initial={detail} />
        </>
      ) : (
        <Banner tone="red" testId="page-error">
          {failure}
        </Banner>
      )}
    </>
  );
}
