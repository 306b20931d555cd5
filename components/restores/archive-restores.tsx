"use client";
import Link from "next/link";
import { Banner } from "@/components/ui/banner";
import { DataTable } from "@/components/ui/data-table";
import { formatDate } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { useArchiveRestores } from "@/lib/queries/use-archive-restores";
import { stepLabel } from "./restore-model";
import { RestoreStateBadge } from "./restore-state-badge";

/** The archive's restores, newest first, each linking to its result page. */
export function ArchiveRestores({ archiveId }: { archiveId: string }) {
  const restores = useArchiveRestores(archiveId);
  const rows = restores.data ?? [];
  return (
    <Section title={`Restores${restores.data ? ` (${rows.length})` : ""}`} testId="archive-restores">
      {restores.error ? <Banner tone="red">Cannot list the restores: {restores.error.message}</Banner> : null}
      {restores.isPending ? (
        <p className="text-slate-500">Loading…</p>
      ) : rows.length === 0 && !restores.error ? (
        <p className="text-slate-500">
          Not restored yet. “Restore…” rebuilds the service on a newer base image and checks every file against the archive.
        </p>
      ) : rows.length ? (
        <DataTable
          columns={[{ label: "When" }, { label: "Who" }, { label: "Base image" }, { label: "Container" }, { label: "State" }, {}]}
          cellPadding="px-3 py-1.5"
        >
          {rows.map((restore) => (
            <tr
              key={restore.id}
              data-testid="archive-restore-row"
              data-state={restore.state}
              data-container={restore.containerName}
              className="text-xs"
            >
              <td className="px-3 py-1.5 whitespace-nowrap">{formatDate(restore.createdAt)}</td>
              <td className="px-3 py-1.5">{restore.createdBy}</td>
              <td className="px-3 py-1.5 font-mono">{restore.baseImage}</td>
              <td className="px-3 py-1.5 font-mono">{restore.containerName}</td>
              <td className="px-3 py-1.5">
                <RestoreStateBadge state={restore.state} />
                {restore.state === "failed" || restore.state === "cancelled" ? (
                  <span className="ml-1 text-slate-500">at {stepLabel(restore.step).toLowerCase()}</span>
                ) : null}
                {restore.state === "running" ? <span className="ml-1 text-slate-500">{stepLabel(restore.step).toLowerCase()}</span> : null}
              </td>
              <td className="px-3 py-1.5 text-right">
                <Link className="font-medium text-sky-700 hover:underline" href={`/restores/${restore.id}`}>
                  Open
                </Link>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </Section>
  );
}
