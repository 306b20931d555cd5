"use client";
import Link from "next/link";
import { useState } from "react";
import { Banner } from "@/components/ui/banner";
import { Badge } from "@/components/ui/badge";
import { formatDate } from "@/components/ui/format";
import type { ContainerFilter, ContainerRow } from "@/lib/containers/list-all-containers";
import type { EngineView } from "@/lib/engines/engine-registry";
import { useContainers } from "@/lib/queries/use-containers";
import { useEngines } from "@/lib/queries/use-engines";
import { StateBadge } from "./state-badge";
import { DataTable } from "@/components/ui/data-table";

export function ContainersTable({
  initialContainers,
  initialEngines,
}: {
  initialContainers: ContainerRow[];
  initialEngines: EngineView[];
}) {
  const [q, setQ] = useState("");
  const [state, setState] = useState<"" | "running" | "stopped">("");
  const [engine, setEngine] = useState("");
  const filter: ContainerFilter = { ...(q ? { q } : {}), ...(state ? { state } : {}), ...(engine ? { engine } : {}) };
  const isDefaultFilter = !q && !state && !engine;
  const containers = useContainers(filter, isDefaultFilter ? initialContainers : undefined);
  const engines = useEngines(initialEngines);
  const unreachable = (engines.data ?? []).filter((item) => !item.reachable && (!engine || item.id === engine));
  const rows = containers.data ?? [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">Search</span>
          <input
            value={q}
            onChange={(event) => setQ(event.target.value)}
            placeholder="name, image or id"
            aria-label="Search containers"
            className="w-64 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm"
          />
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">State</span>
          <select
            aria-label="Filter by state"
            value={state}
            onChange={(event) => setState(event.target.value as typeof state)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">All</option>
            <option value="running">Running</option>
            <option value="stopped">Stopped</option>
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">Engine</span>
          <select
            aria-label="Filter by engine"
            value={engine}
            onChange={(event) => setEngine(event.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">All engines</option>
            {(engines.data ?? []).map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        </label>
        <span className="ml-auto text-xs text-slate-500" aria-live="polite">
          {containers.isFetching ? "refreshing…" : `${rows.length} container${rows.length === 1 ? "" : "s"} · refreshes every few seconds`}
        </span>
      </div>

      {unreachable.map((item) => (
        <Banner key={item.id} testId="engine-unreachable">
          Engine <strong>{item.name}</strong> ({item.endpoint}) is unreachable: {item.error}. Its containers are not listed until it answers
          again.
        </Banner>
      ))}
      {containers.error ? <Banner tone="red">Could not load containers: {containers.error.message}</Banner> : null}

      <DataTable columns={[{ label: "Name" }, { label: "Image" }, { label: "State" }, { label: "Created" }, { label: "Engine" }]}>
        {rows.map((row) => (
          <tr
            key={`${row.engineId}/${row.id}`}
            data-testid="container-row"
            data-name={row.name}
            data-engine={row.engineName}
            data-state={row.state}
            className="hover:bg-slate-50"
          >
            <td className="px-4 py-2 font-medium">
              <Link className="text-sky-700 hover:underline" href={`/engines/${row.engineId}/containers/${row.id.slice(0, 12)}`}>
                {row.name}
              </Link>
              <div className="font-mono text-xs text-slate-400">{row.id.slice(0, 12)}</div>
            </td>
            <td className="px-4 py-2 font-mono text-xs" data-testid="container-image">
              {row.image}
            </td>
            <td className="px-4 py-2" data-testid="container-state">
              <StateBadge state={row.state} />
              <div className="mt-0.5 text-xs text-slate-500">{row.status}</div>
            </td>
            <td className="px-4 py-2 text-xs text-slate-600">{formatDate(row.createdAt)}</td>
            <td className="px-4 py-2" data-testid="container-engine">
              <Badge tone="violet">{row.engineName}</Badge>
            </td>
          </tr>
        ))}
        {rows.length === 0 && !containers.isLoading ? (
          <tr>
            <td colSpan={5} className="px-4 py-8 text-center text-slate-500">
              {isDefaultFilter ? "No containers on the reachable engines." : "No container matches these filters."}
            </td>
          </tr>
        ) : null}
      </DataTable>
    </div>
  );
}
