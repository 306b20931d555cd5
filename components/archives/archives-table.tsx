"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { formatBytes, formatDate } from "@/components/ui/format";
import type { ArchiveSummary } from "@/lib/archives/archive-registry";
import { formatSaving, fullImageBytes, savingPercent } from "@/lib/archives/saving";
import { useArchives } from "@/lib/queries/use-archives";

/** An archive state's badge colour, the same in the list and on an archive's page. */
export const stateTones: Record<string, Tone> = { complete: "green", creating: "blue", failed: "red", cancelled: "amber" };

/** How much smaller the archive is than keeping the full image (the image plus the data). */
export function saving(archive: Pick<ArchiveSummary, "storedBytes" | "imageBytes" | "bytes">): string {
  return formatSaving(savingPercent(archive.storedBytes, fullImageBytes(archive)));
}

type SortKey = "createdAt" | "name" | "bytes" | "storedBytes" | "imageBytes";

export function ArchivesTable({ initial }: { initial: ArchiveSummary[] }) {
  const archives = useArchives(initial);
  const [q, setQ] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "createdAt", descending: true });
  const rows = useMemo(() => {
    const needle = q.toLowerCase();
    const filtered = (archives.data ?? []).filter(
      (archive) =>
        !needle ||
        [archive.name, archive.container.name, archive.engine.name, archive.createdBy, archive.note].some((text) =>
          text.toLowerCase().includes(needle),
        ),
    );
    return filtered.sort((a, b) => {
      const order = a[sort.key] < b[sort.key] ? -1 : a[sort.key] > b[sort.key] ? 1 : 0;
      return sort.descending ? -order : order;
    });
  }, [archives.data, q, sort]);
  const header = (label: string, key: SortKey) => (
    <button
      className="uppercase"
      onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : true })}
      aria-label={`Sort by ${label}`}
    >
      {label}
      {sort.key === key ? (sort.descending ? " ↓" : " ↑") : ""}
    </button>
  );
  return (
    <div className="space-y-4">
      <input
        aria-label="Search archives"
        placeholder="name, service, engine, person or note"
        className="w-80 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
        value={q}
        onChange={(event) => setQ(event.target.value)}
      />
      <DataTable
        columns={[
          { label: header("Name", "name") },
          { label: "Service" },
          { label: header("Created", "createdAt") },
          { label: "Files", className: "text-right" },
          { label: header("Bytes", "bytes"), className: "text-right" },
          {
            label: header("Stored", "storedBytes"),
            className: "text-right",
            title: "What this archive added to the store; content shared with other archives is stored once",
          },
          { label: header("Image", "imageBytes"), className: "text-right", title: "Size of the service's image on the engine" },
          {
            label: "Saving",
            className: "text-right",
            title: "Against keeping the full image: the image plus the archived data (what docker commit would keep at least)",
          },
          { label: "State" },
        ]}
      >
        {rows.map((archive) => (
          <tr key={archive.id} data-testid="archive-row" data-name={archive.name}>
            <td className="px-4 py-2">
              <Link className="font-medium text-sky-700 hover:underline" href={`/archives/${archive.id}`}>
                {archive.name}
              </Link>
              <div className="text-xs text-slate-500">by {archive.createdBy}</div>
            </td>
            <td className="px-4 py-2 text-xs">
              {archive.container.name}
              <div className="text-slate-500">
                {archive.engine.name} · {archive.container.image}
              </div>
            </td>
            <td className="px-4 py-2 text-xs">{formatDate(archive.createdAt)}</td>
            <td className="px-4 py-2 text-right tabular-nums" data-testid="archive-files">
              {archive.files.toLocaleString("en")}
            </td>
            <td className="px-4 py-2 text-right tabular-nums">{formatBytes(archive.bytes)}</td>
            <td className="px-4 py-2 text-right tabular-nums" data-testid="archive-stored">
              {formatBytes(archive.storedBytes)}
            </td>
            <td className="px-4 py-2 text-right tabular-nums">{archive.imageBytes ? formatBytes(archive.imageBytes) : "–"}</td>
            <td className="px-4 py-2 text-right tabular-nums" data-testid="archive-saving">
              {saving(archive)}
            </td>
            <td className="px-4 py-2">
              <Badge tone={stateTones[archive.state] ?? "gray"}>{archive.state}</Badge>
              {archive.verifyState ? (
                <div className="mt-1 text-xs text-slate-500">
                  verified {archive.verifyState} {formatDate(archive.verifiedAt)}
                </div>
              ) : (
                <div className="mt-1 text-xs text-slate-400">not verified yet</div>
              )}
            </td>
          </tr>
        ))}
        {rows.length === 0 ? (
          <tr>
            <td colSpan={9} className="px-4 py-8 text-center text-slate-500">
              {q ? "No archive matches." : "No archives yet: open a container's Mutable data view and press Archive."}
            </td>
          </tr>
        ) : null}
      </DataTable>
    </div>
  );
}
