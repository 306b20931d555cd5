import Link from "next/link";
import { RestorePlanner } from "@/components/restores/restore-planner";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { loadForPage } from "@/lib/api/load-for-page";
import { archiveParams } from "@/lib/api/schemas";
import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function RestoreArchivePage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { data: archive, failure } = await loadForPage(archiveParams, await params, "That is not a valid archive id.", ({ id }) =>
    getArchiveSummary(id),
  );
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/archives">
          Archives
        </Link>
        {archive ? (
          <>
            {" / "}
            <Link className="text-sky-700 hover:underline" href={`/archives/${archive.id}`}>
              {archive.name}
            </Link>
          </>
        ) : null}
      </div>
      {archive ? (
        <>
          <PageHeader
            title={`Restore ${archive.name}`}
            description={`Rebuild ${archive.container.name} on a newer base: Kura writes a Dockerfile that installs the packages the service had, copies the archived files back, recreates its accounts and applies the migration rules, then builds it, starts a container and checks every file against the archive. The original container is not touched.`}
          />
          {archive.state === "complete" ? (
            <RestorePlanner archive={archive} />
          ) : (
            <Banner tone="red" testId="page-error">
              This archive is {archive.state}; only a complete archive can be restored.
            </Banner>
          )}
        </>
      ) : (
        <Banner tone="red" testId="page-error">
          {failure}
        </Banner>
      )}
    </>
  );
}
