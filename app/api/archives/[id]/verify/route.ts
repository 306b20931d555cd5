// POST /api/archives/{id}/verify: re-hash every blob of the archive (a job)
import { verifyArchive } from "@/lib/api/contract/archives";
import { route } from "@/lib/api/route";
import { startVerify } from "@/lib/archives/verify-archive";

export const dynamic = "force-dynamic";

export const POST = route(verifyArchive, async ({ params, actor }) => startVerify(params.id, actor));
