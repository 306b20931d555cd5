"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { JobProgress } from "@/components/jobs/job-progress";
import { ArchiveRestores } from "@/components/restores/archive-restores";
import { needsRole, useCan } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { formatBytes, formatDate } from "@/components/ui/format";
import { Field, Section } from "@/components/ui/section";
import type { VerifyResult } from "@/lib/archives/verify-archive";
import { queryKeys } from "@/lib/queries/keys";
import { useArchive, type ArchiveDetail as ArchiveDetailData } from "@/lib/queries/use-archive";
import { useDeleteArchive } from "@/lib/queries/use-delete-archive";
import { useStartVerify } from "@/lib/queries/use-start-verify";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { fullImageBytes } from "@/lib/archives/saving";
import { saving, stateTones } from "./archives-table";
import { ReadWarnings } from "@/components/changes/read-warnings";
import { ArchiveCaptures } from "./archive-captures";

const SHOWN_ROWS = 1000;
const BUNDLE_TITLE =
  "One .tar.gz with the manifest, the files, a Dockerfile and a restore script: " +
  "rebuild it with plain `docker build - < bundle.tar.gz`, no Kura needed.";
const none = <span className="text-slate-400">none</span>;

/** The verification's outcome; refreshes the archive once so its "Verified" line follows. */
function VerifyOutcome({ archiveId, result }: { archiveId: string; result: VerifyResult }) {
  const queryClient = useQueryClient();
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.archive(archiveId) });
  }, [queryClient, archiveId]);
  return result.corrupt.length ? (
    <Banner tone="red" testId="verify-result">
      {result.corrupt.length} of {result.blobsChecked} blobs are corrupt:{" "}
      {result.corrupt
        .flatMap((blob) => blob.paths)
        .slice(0, 10)
        .join(", ")}
      .{" "}
      {result.corrupt.some((blob) => blob.quarantined)
        ? "The damaged files were moved aside (store/damaged/); archiving the same content again, for example a new archive of the same container, stores it afresh and repairs this archive."
        : null}
    </Banner>
  ) : (
    <Banner tone="blue" testId="verify-result">
      All {result.blobsChecked} blobs are intact.
    </Banner>
  );
}

/** Delete in two clicks: the first asks, the second deletes and returns to the list. */
function DeleteArchive({ archiveId, name }: { archiveId: string; name: string }) {
  const router = useRouter();
  const remove = useDeleteArchive(archiveId);
  const canDelete = useCan("admin");
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button
        variant="secondary"
        disabled={!canDelete}
        title={canDelete ? undefined : needsRole("admin", "Deleting an archive")}
        onClick={() => setAsking(true)}
      >
        Delete archive
      </Button>
    );
  return (
    <div className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3" data-testid="delete-confirm">
      <p>
        Delete <strong>{name}</strong>? Its manifest and the content no other archive shares are removed from the store. This cannot be
        undone.
      </p>
      <div className="flex gap-2">
        <Button
          variant="danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(undefined, { onSuccess: () => router.push("/archives") })}
        >
          Delete for good
        </Button>
        <Button variant="secondary" onClick={() => setAsking(false)}>
          Keep it
        </Button>
      </div>
      {remove.error ? <Banner tone="red">{remove.error.message}</Banner> : null}
    </div>
  );
}

export function ArchiveDetail({ initial }: { initial: ArchiveDetailData }) {
  const archive = useArchive(initial.id, initial);
  const data = archive.data ?? initial;
  const manifest = data.manifest;
  const verify = useStartVerify(data.id);
  const canOperate = useCan("operator");
  const [packageFilter, setPackageFilter] = useState("");
  const [fileFilter, setFileFilter] = useState("");
  const packages = useMemo(
    () => (manifest?.packages ?? []).filter((pkg) => pkg.name.includes(packageFilter.toLowerCase())),
    [manifest, packageFilter],
  );
  const files = useMemo(
    () => (manifest?.entries ?? []).filter((entry) => entry.path.toLowerCase().includes(fileFilter.toLowerCase())),
    [manifest, fileFilter],
  );

  return (
    <div className="space-y-4">
      {data.state !== "complete" ? (
        <Banner tone={data.state === "creating" ? "blue" : "red"}>
          {data.state === "creating" ? "This archive is being made" : `This archive is ${data.state}`}
          {data.error ? `: ${data.error}` : ""}. Only complete archives hold a manifest and can be verified or restored.
        </Banner>
      ) : null}
      {data.state === "creating" && data.jobId ? (
        // Its job's progress, with cancel, whichever dashboard runs it (several may share the database, issue 16).
        <JobProgress key={data.jobId} jobId={data.jobId} label="Archiving" />
      ) : null}
      {manifest ? <ReadWarnings warnings={manifest.warnings} what="in the container when it was archived" /> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Summary" testId="archive-summary">
          <dl>
            <Field label="State">
              <Badge tone={stateTones[data.state] ?? "gray"}>{data.state}</Badge>
            </Field>
            <Field label="Service">
              {data.container.name} on {data.engine.name}
            </Field>
            <Field label="Image">
              <code className="font-mono text-xs">{data.container.image}</code>
            </Field>
            <Field label="Created">
              {formatDate(data.createdAt)} by {data.createdBy}
            </Field>
            {data.note ? <Field label="Note">{data.note}</Field> : null}
            <Field label="Files" testId="archive-detail-files">
              {data.files.toLocaleString("en")} files, {formatBytes(data.bytes)}
            </Field>
            <Field label="Stored">{formatBytes(data.storedBytes)} new in the store</Field>
            <Field label="Full image">
              {fullImageBytes(data) === null
                ? "unknown"
                : `${formatBytes(fullImageBytes(data)!)} (image ${formatBytes(data.imageBytes!)} + data ${formatBytes(data.bytes)})`}{" "}
              · saving {saving(data)}
            </Field>
            <Field label="Verified" testId="archive-verified">
              {data.verifyState ? `${data.verifyState}, ${formatDate(data.verifiedAt)}` : "not yet"}
            </Field>
          </dl>
          {data.state === "complete" ? (
            <div className="mt-3 space-y-2">
              <div className="flex flex-wrap items-center gap-2">
                {canOperate ? (
                  <Link
                    href={`/archives/${data.id}/restore`}
                    className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
                  >
                    Restore…
                  </Link>
                ) : null}
                <Button
                  variant="secondary"
                  onClick={() => verify.mutate()}
                  disabled={verify.isPending || !canOperate}
                  title={canOperate ? undefined : needsRole("operator", "Verifying")}
                >
                  Verify every blob
                </Button>
                {/* The bundle holds every archived file (password hashes, keys): exporting it is an operator's job. */}
                {canOperate ? (
                  <a
                    href={`/api/archives/${data.id}/bundle`}
                    download
                    className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
                    title={BUNDLE_TITLE}
                  >
                    Download bundle (.tar.gz)
                  </a>
                ) : null}
                {canOperate ? null : (
                  <span className="text-xs text-slate-500" data-testid="archive-read-only">
                    {needsRole("operator", "Restoring, verifying or downloading")}
                  </span>
                )}
              </div>
              {verify.error ? <Banner tone="red">{verify.error.message}</Banner> : null}
              {verify.data ? (
                <JobProgress key={verify.data.jobId} jobId={verify.data.jobId} label="Verifying">
                  {(job) => <VerifyOutcome archiveId={data.id} result={job.result as VerifyResult} />}
                </JobProgress>
              ) : null}
            </div>
          ) : null}
          <div className="mt-3">{data.state === "creating" ? null : <DeleteArchive archiveId={data.id} name={data.name} />}</div>
        </Section>
        {manifest ? (
          <Section title="System">
            <dl>
              <Field label="Operating system">{manifest.os?.prettyName ?? "unknown"}</Field>
              <Field label="Package manager">{manifest.packageManager ?? "none"}</Field>
              <Field label="Engine">
                {manifest.engine.name} (Docker {manifest.engine.version ?? "?"})
              </Field>
              <Field label="Command">
                {manifest.config.cmd ? <code className="font-mono text-xs">{JSON.stringify(manifest.config.cmd)}</code> : none}
              </Field>
              <Field label="Entrypoint">
                {manifest.config.entrypoint ? (
                  <code className="font-mono text-xs">{JSON.stringify(manifest.config.entrypoint)}</code>
                ) : (
                  none
                )}
              </Field>
              <Field label="Working dir / user">
                {manifest.config.workingDir || "/"} · {manifest.config.user || "root"}
              </Field>
              <Field label="Ports">{manifest.config.exposedPorts.join(", ") || none}</Field>
              <Field label="Environment">
                {manifest.config.env.length === 0 ? none : null}
                {manifest.config.env.map((variable) => (
                  <div key={variable.name} className="font-mono text-xs">
                    {variable.name}={variable.redacted ? <Badge tone="amber">left out: looks secret</Badge> : variable.value}
                  </div>
                ))}
              </Field>
              <Field label="Mounts">
                {manifest.config.mounts.length === 0 ? none : null}
                {manifest.config.mounts.map((mount) => (
                  <div key={mount.destination} className="text-xs">
                    {mount.type} {mount.destination}
                  </div>
                ))}
              </Field>
              <Field label="Rule set">{manifest.ruleSet.name}</Field>
            </dl>
          </Section>
        ) : null}
      </div>
      {manifest ? <ArchiveCaptures captures={manifest.captures} quiesce={manifest.quiesce} /> : null}
      <ArchiveRestores archiveId={data.id} />
      {manifest ? (
        <>
          <Section
            title={`Files (${manifest.entries.length.toLocaleString("en")} entries, ${manifest.deleted.length} deletions recorded)`}
            testId="archive-files"
          >
            <input
              aria-label="Filter files"
              placeholder="filter by path"
              className="mb-2 w-80 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
              value={fileFilter}
              onChange={(event) => setFileFilter(event.target.value)}
            />
            <DataTable
              columns={[
                { label: "Path" },
                { label: "Type" },
                { label: "Size", className: "text-right" },
                { label: "Mode" },
                { label: "Owner" },
                { label: "Source" },
                { label: "Category" },
              ]}
              cellPadding="px-3 py-1"
            >
              {files.slice(0, SHOWN_ROWS).map((entry) => (
                <tr key={`${entry.source}:${entry.path}`} data-testid="archive-file" data-path={entry.path} className="text-xs">
                  <td className="px-3 py-1 font-mono">
                    {entry.path}
                    {entry.linkTarget ? <span className="text-slate-500"> → {entry.linkTarget}</span> : null}
                  </td>
                  <td className="px-3 py-1">{entry.type}</td>
                  <td className="px-3 py-1 text-right tabular-nums">{entry.type === "file" ? formatBytes(entry.size) : ""}</td>
                  <td className="px-3 py-1 font-mono">{entry.mode.toString(8).padStart(4, "0")}</td>
                  <td className="px-3 py-1">
                    {entry.user || entry.uid}:{entry.group || entry.gid}
                  </td>
                  <td className="px-3 py-1">{entry.source}</td>
                  <td className="px-3 py-1">{entry.category}</td>
                </tr>
              ))}
            </DataTable>
            {files.length > SHOWN_ROWS ? (
              <p className="mt-2 text-xs text-slate-500">
                Showing the first {SHOWN_ROWS} of {files.length.toLocaleString("en")}; filter to narrow down.
              </p>
            ) : null}
          </Section>
          <Section
            title={`Packages (${manifest.packages.length}, ${manifest.packages.filter((pkg) => pkg.manual).length} installed by hand)`}
          >
            <input
              aria-label="Filter packages"
              placeholder="filter by name"
              className="mb-2 w-64 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
              value={packageFilter}
              onChange={(event) => setPackageFilter(event.target.value)}
            />
            {manifest.packageBase ? (
              <p className="mb-2 text-xs text-slate-500" data-testid="archive-package-base">
                Installed by hand: not in the original base and not pulled in by apt (hover a package for why). The original base&apos;s
                packages: {manifest.packageBase.description}.
              </p>
            ) : null}
            <div className="grid grid-cols-2 gap-x-6 text-xs md:grid-cols-3">
              {packages.map((pkg) => (
                <div key={pkg.name} className="font-mono" title={pkg.reason?.text}>
                  {pkg.name} <span className="text-slate-500">{pkg.version}</span> {pkg.manual ? <Badge tone="blue">by hand</Badge> : null}
                </div>
              ))}
            </div>
          </Section>
        </>
      ) : null}
    </div>
  );
}
