"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { formatBytes, formatDate } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { formatSaving } from "@/lib/archives/saving";
import type { Overview } from "@/lib/overview/get-overview";
import { useOverview } from "@/lib/queries/use-overview";

const stateTones: Record<string, Tone> = {
  ok: "green",
  succeeded: "green",
  running: "blue",
  building: "blue",
  corrupt: "red",
  failed: "red",
  cancelled: "amber",
};

function Total({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3" data-testid={testId}>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-3xl font-semibold tabular-nums">{value}</div>
      {detail ? <div className="mt-1 text-xs text-slate-500">{detail}</div> : null}
    </div>
  );
}

function StateWhen({ state, at, href }: { state: string; at: string; href?: string }) {
  return (
    <>
      <Badge tone={stateTones[state] ?? "gray"}>{state}</Badge>
      <div className="mt-0.5 text-xs text-slate-500">
        {href ? (
          <Link className="text-sky-700 hover:underline" href={href}>
            {formatDate(at)}
          </Link>
        ) : (
          formatDate(at)
        )}
      </div>
    </>
  );
}

/** Whether archived content is encrypted at rest (issue 16), and why the store cannot be opened when it cannot. */
function StoreEncryption({ store }: { store: Overview["store"] }) {
  const badge = {
    encrypted: {
      tone: "green" as const,
      label: "encrypted",
      text: "Archived files and manifests are encrypted at rest with the key from KURA_STORE_KEY_FILE.",
    },
    unencrypted: {
      tone: "amber" as const,
      label: "not encrypted",
      text: "Archived files are stored compressed but readable by anyone with access to the store (set KURA_STORE_KEY_FILE for a new store).",
    },
    unavailable: { tone: "red" as const, label: "cannot be opened", text: store.problem ?? "" },
  }[store.encryption];
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600" data-testid="store-encryption">
      <span className="font-medium text-slate-700">Archive store:</span>
      <Badge tone={badge.tone}>{badge.label}</Badge>
      <span>{badge.text}</span>
    </p>
  );
}

/** The landing page: what is archived, what that saves, what was last checked, and what failed. */
export function OverviewView({ initial }: { initial: Overview }) {
  const overview = useOverview(initial);
  const { services, totals, failedJobs, store } = overview.data ?? initial;
  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="overview-totals">
        <Total label="Archived services" value={totals.services.toLocaleString("en")} testId="total-services" />
        <Total label="Archives" value={totals.archives.toLocaleString("en")} detail="complete ones" testId="total-archives" />
        <Total
          label="Stored"
          value={formatBytes(totals.storedBytes)}
          detail={<>vs {formatBytes(totals.imageBytes)} for the full images (image plus data)</>}
          testId="total-stored"
        />
        <Total
          label="Saved"
          value={formatSaving(totals.savedPercent)}
          detail={
            totals.savedPercent === null ? (
              "no image sizes known yet"
            ) : totals.savedBytes >= 0 ? (
              <>{formatBytes(totals.savedBytes)} less than keeping the full images</>
            ) : (
              <>the archives take {formatBytes(-totals.savedBytes)} more than the full images: the services are mostly data</>
            )
          }
          testId="total-saved"
        />
      </div>
      <StoreEncryption store={store} />

      <DataTable
        columns={[
          { label: "Container" },
          { label: "Engine" },
          { label: "Archives", className: "text-right" },
          { label: "Latest archive" },
          { label: "Files", className: "text-right" },
          { label: "Bytes", className: "text-right" },
          { label: "Stored", className: "text-right", title: "What the latest archive added to the store" },
          { label: "Last verified" },
          { label: "Last restore" },
        ]}
      >
        {services.map((service) => (
          <tr key={`${service.engine}/${service.container}`} data-testid="overview-service-row" data-container={service.container}>
            <td className="px-4 py-2 font-medium">{service.container}</td>
            <td className="px-4 py-2 text-xs">{service.engine}</td>
            <td className="px-4 py-2 text-right tabular-nums">{service.archives}</td>
            <td className="px-4 py-2">
              <Link className="text-sky-700 hover:underline" href={`/archives/${service.latestArchive.id}`}>
                {service.latestArchive.name}
              </Link>
              <div className="text-xs text-slate-500">{formatDate(service.latestArchive.createdAt)}</div>
            </td>
            <td className="px-4 py-2 text-right tabular-nums">{service.latestArchive.files.toLocaleString("en")}</td>
            <td className="px-4 py-2 text-right tabular-nums">{formatBytes(service.latestArchive.bytes)}</td>
            <td className="px-4 py-2 text-right tabular-nums">{formatBytes(service.latestArchive.storedBytes)}</td>
            <td className="px-4 py-2" data-testid="overview-last-verified">
              {service.lastVerified ? (
                <StateWhen state={service.lastVerified.state} at={service.lastVerified.at} />
              ) : (
                <Badge tone="amber" title="No archive of this service was verified yet">
                  never
                </Badge>
              )}
            </td>
            <td className="px-4 py-2" data-testid="overview-last-restore">
              {service.lastRestore ? (
                <StateWhen state={service.lastRestore.state} at={service.lastRestore.at} href={`/restores/${service.lastRestore.id}`} />
              ) : (
                <span className="text-xs text-slate-400">never</span>
              )}
            </td>
          </tr>
        ))}
        {services.length === 0 ? (
          <tr>
            <td colSpan={9} className="px-4 py-8 text-center text-slate-500">
              Nothing archived yet: open a container&apos;s Mutable data view and archive it.
            </td>
          </tr>
        ) : null}
      </DataTable>

      <Section title="Failed jobs needing attention" testId="failed-jobs">
        {failedJobs.length === 0 ? (
          <p className="text-slate-500" data-testid="failed-jobs-empty">
            No job failed in the last 14 days.
          </p>
        ) : (
          <DataTable
            columns={[{ label: "Kind" }, { label: "Target" }, { label: "Error" }, { label: "Who" }, { label: "When" }]}
            cellPadding="px-3 py-2"
          >
            {failedJobs.map((job) => (
              <tr key={job.id} data-testid="failed-job" data-kind={job.kind}>
                <td className="px-3 py-2">
                  <Badge tone="red">{job.kind}</Badge>
                </td>
                <td className="px-3 py-2 font-mono text-xs">{job.target}</td>
                <td className="px-3 py-2 text-xs text-red-800">{job.error ?? "no message"}</td>
                <td className="px-3 py-2 text-xs">{job.createdBy}</td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">{formatDate(job.finishedAt)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
    </div>
  );
}
