import Link from "next/link";
import { ArchiveDetail } from "@/components/archives/archive-detail";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { AppError } from "@/lib/api/app-error";
import { archiveParams } from "@/lib/api/schemas";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { requireUser } from "@/lib/session/require-user";

export const dynamic = "force-dynamic";

export default async function ArchivePage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const parsed = archiveParams.safeParse(await params);
  let detail;
  let failure = parsed.success ? null : "That is not a valid archive id.";
  if (parsed.success) {
    try {
      const [summary, manifest] = await Promise.all([getArchiveSummary(parsed.data.id), readManifest(parsed.data.id)]);
      detail = { ...summary, manifest };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failure = error.message;
    }
  }
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/archives">
          Archives
        </Link>
      </div>
      {detail ? (
        <>
          <PageHeader title={detail.name} description={`Archive of ${detail.container.name} (${detail.container.image}) on ${detail.engine.name}.`} />
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
