// POST /api/engines/{engineId}/containers/{containerRef}/archives: archive the curated selection (a job)
import { startArchive as startArchiveEntry } from "@/lib/api/contract/containers";
import { route } from "@/lib/api/route";
import { startArchive } from "@/lib/archives/archive-container";

export const dynamic = "force-dynamic";

export const POST = route(startArchiveEntry, async ({ params, body, actor }) => startArchive({ ...params, ...body, actor }));
