// GET /api/overview: archived services and sizes, storage saved against full images, last verify and restore, failed jobs, store encryption
import { getOverview as getOverviewEntry } from "@/lib/api/contract/overview";
import { route } from "@/lib/api/route";
import { getOverview } from "@/lib/overview/get-overview";

export const dynamic = "force-dynamic";

export const GET = route(getOverviewEntry, async () => getOverview());
