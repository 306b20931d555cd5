import Link from "next/link";
import { ContainerDetailView } from "@/components/containers/container-detail-view";
import { MutableDataPanel } from "@/components/containers/mutable-data-panel";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { loadForPage } from "@/lib/api/load-for-page";
import { containerParams } from "@/lib/api/schemas";
import { getContainerDetail } from "@/lib/containers/get-container-detail";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function ContainerPage({
  params,
  searchParams,
}: {
  params: Promise<{ engineId: string; containerRef: string }>;
  searchParams: Promise<{ view?: string }>;
}) {
  await requireUser();
  const raw = await params;
  const view = (await searchParams).view === "data" ? "data" : "overview";
  const { data: detail, failure } = await loadForPage(
    containerParams,
    raw,
    "That is not a valid container name or id.",
    ({ engineId, containerRef }) => getContainerDetail(engineId, containerRef),
  );
  if (!detail) {
    return (
      <>
        <PageHeader title={raw.containerRef} />
        <Banner tone="red" testId="page-error">
          {failure}
        </Banner>
        <p className="mt-4 text-sm">
          <Link className="text-sky-700 hover:underline" href="/containers">
            Back to containers
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/containers">
          Containers
        </Link>{" "}
        / {detail.engineName}
      </div>
      <PageHeader title={detail.name} description={`Container ${detail.id.slice(0, 12)} on engine ${detail.engineName}.`} />
      <div className="mb-4 flex gap-1 border-b border-slate-200" role="tablist">
        {(
          [
            ["overview", "Overview", ""],
            ["data", "Mutable data", "?view=data"],
          ] as const
        ).map(([key, label, query]) => (
          <Link
            key={key}
            role="tab"
            aria-selected={view === key}
            href={`/engines/${detail.engineId}/containers/${raw.containerRef}${query}`}
            className={`-mb-px border-b-2 px-4 py-2 text-sm ${view === key ? "border-slate-900 font-medium" : "border-transparent text-slate-500 hover:text-slate-800"}`}
          >
            {label}
          </Link>
        ))}
      </div>
      {view === "data" ? (
        <MutableDataPanel engineId={detail.engineId} containerRef={detail.id.slice(0, 12)} />
      ) : (
        <ContainerDetailView initial={detail} />
      )}
    </>
  );
}
