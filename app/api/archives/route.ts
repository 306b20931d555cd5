// GET /api/archives: every archive with its sizes and state, newest first
import { listArchives as listArchivesEntry } from "@/lib/api/contract/archives";
import { route } from "@/lib/api/route";
import { listArchives } from "@/lib/archives/archive-registry";

export const dynamic = "force-dynamic";

export const GET = route(listArchivesEntry, async () => listArchives());
