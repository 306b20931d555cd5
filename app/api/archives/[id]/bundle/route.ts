// GET /api/archives/{id}/bundle: the archive as one .tar.gz that `docker build - < bundle.tar.gz` rebuilds (?base= for a newer base image)
import { Readable } from "node:stream";
import { readQuery, route } from "@/lib/api/route";
import { archiveParams, bundleQuery } from "@/lib/api/schemas";
import { exportBundle } from "@/lib/bundles/export-bundle";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ request, params, actor }) => {
  const { id } = archiveParams.parse(params);
  const { base } = readQuery(request, bundleQuery);
  const { stream, fileName } = await exportBundle(id, { base, actor: actor });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { "content-type": "application/gzip", "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "no-store" },
  });
});
