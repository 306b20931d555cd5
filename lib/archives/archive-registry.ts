import { notFound } from "@/lib/api/app-error";
import { manifestSchema, type Manifest } from "@/lib/archives/manifest";
import { store } from "@/lib/store/store";
import { db } from "@/lib/db";

export type ArchiveSummary = {
  id: string;
  name: string;
  note: string;
  state: string;
  container: { id: string; name: string; image: string };
  engine: { id: string; name: string };
  createdAt: string;
  createdBy: string;
  completedAt: string | null;
  files: number;
  bytes: number;
  storedBytes: number;
  imageBytes: number;
  jobId: string | null;
  error: string | null;
  verifiedAt: string | null;
  verifyState: string | null;
};

type Row = Awaited<ReturnType<typeof db.archive.findMany>>[number];

function toSummary(row: Row): ArchiveSummary {
  return {
    id: row.id,
    name: row.name,
    note: row.note,
    state: row.state,
    container: { id: row.containerId, name: row.containerName, image: row.image },
    engine: { id: row.engineId, name: row.engineName },
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    completedAt: row.completedAt?.toISOString() ?? null,
    files: row.files,
    bytes: row.bytes,
    storedBytes: row.storedBytes,
    imageBytes: row.imageBytes,
    jobId: row.jobId,
    error: row.error,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    verifyState: row.verifyState,
  };
}

export async function listArchives(): Promise<ArchiveSummary[]> {
  return (await db.archive.findMany({ orderBy: { createdAt: "desc" } })).map(toSummary);
}

export async function getArchiveSummary(id: string): Promise<ArchiveSummary> {
  const row = await db.archive.findUnique({ where: { id } });
  if (!row) throw notFound("archive_not_found", `No archive with id "${id}". GET /api/archives lists them.`);
  return toSummary(row);
}

/** The manifest of a complete archive, read back from the store and checked against its schema. */
export async function readManifest(id: string): Promise<Manifest | null> {
  const row = await db.archive.findUnique({ where: { id } });
  if (!row) throw notFound("archive_not_found", `No archive with id "${id}".`);
  if (!row.manifestSha) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(row.manifestSha)) chunks.push(chunk as Buffer);
  return manifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}
