import { notFound } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import type { RestoreView } from "./types";

type Row = NonNullable<Awaited<ReturnType<typeof db.restore.findUnique>>>;

function toView(row: Row, full: boolean): RestoreView {
  return {
    id: row.id,
    archiveId: row.archiveId,
    archiveName: row.archiveName,
    engineId: row.engineId,
    engineName: row.engineName,
    baseImage: row.baseImage,
    imageTag: row.imageTag,
    imageId: row.imageId,
    containerName: row.containerName,
    containerId: row.containerId,
    state: row.state,
    step: row.step as RestoreView["step"],
    error: row.error,
    jobId: row.jobId,
    dockerfileEdited: row.dockerfileEdited,
    dockerfileDiff: row.dockerfileDiff,
    warnings: JSON.parse(row.warnings) as RestoreView["warnings"],
    appliedRules: JSON.parse(row.appliedRules) as string[],
    verification: row.verification ? (JSON.parse(row.verification) as RestoreView["verification"]) : null,
    check: row.checkResult ? (JSON.parse(row.checkResult) as RestoreView["check"]) : null,
    configChecks: JSON.parse(row.configChecks) as RestoreView["configChecks"],
    pathMappings: JSON.parse(row.pathMappings) as RestoreView["pathMappings"],
    rewrites: JSON.parse(row.contentRewrites) as RestoreView["rewrites"],
    merges: JSON.parse(row.merges) as NonNullable<RestoreView["merges"]>,
    conversions: JSON.parse(row.conversions) as NonNullable<RestoreView["conversions"]>,
    ...(full ? { log: row.log, dockerfile: row.dockerfile } : {}),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export async function getRestore(id: string): Promise<RestoreView> {
  const row = await db.restore.findUnique({ where: { id } });
  if (!row) throw notFound("restore_not_found", `No restore with id "${id}".`);
  return toView(row, true);
}

export async function listRestores(filter: { archiveId?: string } = {}): Promise<RestoreView[]> {
  const rows = await db.restore.findMany({
    where: filter.archiveId ? { archiveId: filter.archiveId } : {},
    orderBy: { createdAt: "desc" },
    take: 500,
  });
  return rows.map((row) => toView(row, false));
}
