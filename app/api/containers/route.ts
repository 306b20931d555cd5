// GET /api/containers?engine=&state=&q=: containers of every reachable engine
import { listContainers } from "@/lib/api/contract/containers";
import { Reply, route } from "@/lib/api/route";
import { listAllContainers } from "@/lib/containers/list-all-containers";

export const dynamic = "force-dynamic";

export const GET = route(listContainers, async ({ query }) => {
  const listing = await listAllContainers(query);
  // The body is the list the API promises; engines that did not answer are named in a header.
  const headers = listing.unreachable.length
    ? { "X-Kura-Unreachable-Engines": listing.unreachable.map((engine) => engine.engineId).join(",") }
    : undefined;
  return new Reply(listing.containers, { headers });
});
