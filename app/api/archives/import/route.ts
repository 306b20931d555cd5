// POST /api/archives/import: bring in an exported bundle (the .tar.gz as the request body); it is checked (safe names, no links or devices, size limits, hashes) before anything is stored
import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/app-error";
import { route } from "@/lib/api/route";
import { importBundle } from "@/lib/bundles/import-bundle";

export const dynamic = "force-dynamic";

export const POST = route(async ({ request, actor }) => {
  if (!request.body) throw new AppError(400, "empty_body", "Send the bundle (.tar.gz) as the request body, e.g. curl --data-binary @bundle.tar.gz.");
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const archive = await importBundle(source, { actor: actor, signal: request.signal });
  return NextResponse.json(archive, { status: 201 });
});
