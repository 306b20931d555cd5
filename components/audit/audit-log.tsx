"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { describeDetail, targetHref } from "./describe-event";
import { DataTable } from "@/components/ui/data-table";
import { AUDIT_EXPORT_LIMIT, AUDIT_PAGE_LIMIT, auditSearch, type AuditQuery } from "@/lib/queries/audit-query";
import { useAudit, type AuditPage } from "@/lib/queries/use-audit";

const control = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const SERVICE_DELAY_MS = 300;

/** Whole days in the browser's time zone, as the instants the API takes: from the first millisecond to the last. */
function dayStart(day: string): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}
function dayEnd(day: string): string | undefined {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined;
}

/** Action menu entries: each group ("archive.*" matches by prefix) followed by its actions. */
function actionChoices(actions: string[]): { value: string; label: string }[] {
  const groups = new Map<string, string[]>();
  for (const action of actions) {
    const group = action.split(".")[0] ?? action;
    groups.set(group, [...(groups.get(group) ?? []), action]);
  }
  return [...groups].flatMap(([group, members]) =>
    members.length > 1
      ? [{ value: `${group}.`, label: `${group}.* (all)` }, ...members.map((action) => ({ value: action, label: `\u00a0\u00a0${action}` }))]
      : members.map((action) => ({ value: action, label: action })),
  );
}

/** The audit log with its filters; the CSV export takes the same filters. */
export function AuditLog({ initial }: { initial: AuditPage }) {
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  const [serviceDraft, setServiceDraft] = useState("");
  const [service, setService] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");

  // Typing a name asks once the typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setService(serviceDraft.trim()), SERVICE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [serviceDraft]);

  const query = useMemo<AuditQuery>(
    () => ({ actor: actor || undefined, action: action || undefined, service: service || undefined, from: dayStart(from), to: dayEnd(to) }),
    [actor, action, service, from, to],
  );
  const unfiltered = !actor && !action && !service && !from && !to;
  const audit = useAudit(query, unfiltered ? initial : undefined);
  const pages = audit.data?.pages ?? [initial];
  const first = pages[0] ?? initial;
  const events = useMemo(() => pages.flatMap((page) => page.events), [pages]);
  const data = { facets: first.facets, total: first.total, events };
  // Keep the menus whole while a filter narrows the events; the server's facets cover the entire log.
  const actors = data.facets.actors.includes(actor) || !actor ? data.facets.actors : [actor, ...data.facets.actors];
  const actions = useMemo(() => actionChoices(data.facets.actions), [data.facets.actions]);
  const exportHref = `/api/audit?${auditSearch(query, { format: "csv", limit: String(AUDIT_EXPORT_LIMIT) })}`;

  return (
    <div className="space-y-4">
      <div
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
        role="search"
        aria-label="Filter the audit log"
      >
        <label>
          <span className="mb-1 block text-slate-600">Actor</span>
          <select aria-label="Actor" className={control} value={actor} onChange={(event) => setActor(event.target.value)}>
            <option value="">everyone</option>
            {actors.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Action</span>
          <select aria-label="Action" className={control} value={action} onChange={(event) => setAction(event.target.value)}>
            <option value="">every action</option>
            {actions.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Service</span>
          <input
            aria-label="Service"
            className={`${control} w-56`}
            placeholder="container or archive name"
            value={serviceDraft}
            onChange={(event) => setServiceDraft(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">From</span>
          <input
            type="date"
            aria-label="From"
            className={control}
            value={from}
            max={to || undefined}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label>
          <span className="mb-1 block text-slate-600">To</span>
          <input
            type="date"
            aria-label="To"
            className={control}
            value={to}
            min={from || undefined}
            onChange={(event) => setTo(event.target.value)}
          />
        </label>
        {!unfiltered ? (
          <button
            type="button"
            className="pb-2 text-sky-700 hover:underline"
            onClick={() => {
              setActor("");
              setAction("");
              setServiceDraft("");
              setService("");
              setFrom("");
              setTo("");
            }}
          >
            Clear filters
          </button>
        ) : null}
        <a
          href={exportHref}
          download
          className="ml-auto rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          data-testid="audit-export"
        >
          Export CSV
        </a>
      </div>

      {audit.error ? <Banner tone="red">Cannot read the audit log: {audit.error.message}</Banner> : null}
      <p className="text-xs text-slate-500" aria-live="polite">
        {data.events.length < data.total
          ? `The newest ${data.events.length.toLocaleString("en")} of ${data.total.toLocaleString("en")} events`
          : `${data.total.toLocaleString("en")} events`}
        {audit.isFetching ? " · updating…" : ""}. Times are UTC.
      </p>
      <div data-testid="audit-table">
        <DataTable
          columns={[
            { label: "Time" },
            { label: "Actor" },
            { label: "Action" },
            { label: "Target" },
            { label: "Result" },
            { label: "Detail" },
          ]}
          cellPadding="px-3 py-2"
        >
          {data.events.map((event) => {
            const detail = describeDetail(event.detail);
            const href = targetHref(event.target);
            return (
              <tr key={event.id} data-testid="audit-row" data-actor={event.actor} data-action={event.action} className="align-top">
                <td className="px-3 py-1.5 text-xs whitespace-nowrap tabular-nums" title={event.at}>
                  {event.at.replace("T", " ").slice(0, 19)}
                </td>
                <td className="px-3 py-1.5 text-xs">{event.actor}</td>
                <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap">{event.action}</td>
                <td className="px-3 py-1.5 text-xs" data-testid="audit-target">
                  {event.targetName ? (
                    href ? (
                      <Link className="text-sky-700 hover:underline" href={href}>
                        {event.targetName}
                      </Link>
                    ) : (
                      event.targetName
                    )
                  ) : null}
                  <div className={event.targetName ? "font-mono text-[11px] break-all text-slate-400" : "font-mono break-all"}>
                    {event.target}
                  </div>
                </td>
                <td className="px-3 py-1.5">
                  <Badge tone={event.result === "ok" ? "green" : "red"}>{event.result}</Badge>
                </td>
                <td className="max-w-md px-3 py-1.5">
                  {detail.length ? (
                    <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600" data-testid="audit-detail">
                      {detail.map((part) => (
                        <div key={part.label} className="flex gap-1">
                          <dt className="text-slate-400">{part.label}</dt>
                          <dd className="break-all text-slate-700">
                            {part.value.length > 160 ? `${part.value.slice(0, 160)}…` : part.value}
                          </dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                </td>
              </tr>
            );
          })}
          {data.events.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-8 text-center text-slate-500">
                {unfiltered ? "Nothing recorded yet." : "No event matches these filters."}
              </td>
            </tr>
          ) : null}
        </DataTable>
      </div>
      {audit.hasNextPage ? (
        <div className="flex items-center gap-3">
          <Button variant="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            {audit.isFetchingNextPage
              ? "Loading…"
              : `Load ${Math.min(AUDIT_PAGE_LIMIT, data.total - data.events.length).toLocaleString("en")} older events`}
          </Button>
          <span className="text-xs text-slate-500">
            or narrow the filters; the CSV export takes up to {AUDIT_EXPORT_LIMIT.toLocaleString("en")} events at once.
          </span>
        </div>
      ) : null}
    </div>
  );
}
