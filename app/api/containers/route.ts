// GET /api/containers?engine=&state=&q=: containers of every reachable engine
import { NextResponse } from "next/server";
import { readQuery, route } from "@/lib/api/route";
import { containersQuery } from "@/lib/api/schemas";
import { listAllContainers } from "@/lib/containers/list-all-containers";

export const dynamic = "force-dynamic";

export const GET = route(async ({ request }) => {
  const listing = await listAllContainers(readQuery(request, containersQuery));
  // The body is the list the API promises; engines that did not answer are named in a header.
  const headers = listing.unreachable.length ? { "X-Kura-Unreachable-Engines": listing.unreachable.map((engine) => engine.engineId).join(",") } : undefined;
  return NextResponse.json(listing.containers, { headers });
});
