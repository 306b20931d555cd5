// POST /api/archives/import: bring in an exported bundle (the .tar.gz as the request body); it is checked (safe names, no links or devices, size limits, hashes) before anything is stored
import { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { importBundle as importBundleEntry } from "@/lib/api/contract/bundles";
import { route } from "@/lib/api/route";
import { importBundle } from "@/lib/bundles/import-bundle";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export const dynamic = "force-dynamic";

export const POST = route(importBundleEntry, async ({ request, actor }) => {
  if (!request.body)
    throw new AppError(400, "empty_body", "Send the bundle (.tar.gz) as the request body, e.g. curl --data-binary @bundle.tar.gz.");
  const source = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  return importBundle(source, { actor, signal: request.signal });
});
