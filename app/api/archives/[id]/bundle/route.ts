// GET /api/archives/{id}/bundle: the archive as one .tar.gz that `docker build - < bundle.tar.gz` rebuilds
// (?base= for a newer base image); operators only
import { Readable } from "node:stream";
import { exportBundle as exportBundleEntry } from "@/lib/api/contract/bundles";
import { route } from "@/lib/api/route";
import { exportBundle } from "@/lib/bundles/export-bundle";

export const dynamic = "force-dynamic";

export const GET = route(exportBundleEntry, async ({ params, query, actor }) => {
  const { stream, fileName } = await exportBundle(params.id, { base: query.base, actor });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/gzip",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    },
  });
});
