// The load benchmark: `clients` concurrent loops for `seconds` against the dashboard on this machine, each cycling
// through the pages' read routes, with every latency and status recorded. Plain Node (global fetch), no dependencies.
// Called by run-bench.mjs; it stops by itself (the clock, plus one request timeout at most).
//
// Every client sends the same admin API token (Authorization: Bearer): the dashboard authenticates each request on its
// own, so one token exercises the same code as twenty people would; twenty separate users are not needed.
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { archiveThroughApi, auth, BASE, docker, root } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const LOOPBACK = new Set(["127.0.0.1", "[::1]"]);
const REQUEST_TIMEOUT_MS = 30_000;

/** The routes each client cycles through, in this order (each client starts at a different one). */
function routesFor({ engineId, containerRef, archiveId }) {
  const container = encodeURIComponent(containerRef);
  const archive = encodeURIComponent(archiveId);
  return [
    { name: "GET /api/containers", path: "/api/containers" },
    {
      name: `GET /api/engines/${engineId}/containers/{containerRef}/changes`,
      path: `/api/engines/${encodeURIComponent(engineId)}/containers/${container}/changes`,
    },
    { name: "GET /api/archives", path: "/api/archives" },
    { name: "GET /api/archives/{id}", path: `/api/archives/${archive}` },
    { name: "GET /api/overview", path: "/api/overview" },
  ];
}

/** Nearest-rank percentile of an ascending array (ms); 0 when empty. */
function percentile(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const tenths = (value) => Math.round(value * 10) / 10;

function summarize(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    p50: tenths(percentile(sorted, 50)),
    p95: tenths(percentile(sorted, 95)),
    p99: tenths(percentile(sorted, 99)),
    max: tenths(sorted.length ? sorted[sorted.length - 1] : 0),
  };
}

/** One timed request: the latency runs until the last byte of the body has arrived. */
async function timedRequest(url, token, timeoutMs) {
  const start = performance.now();
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { ms: performance.now() - start, status: response.status, error: null };
  } catch (error) {
    return { ms: performance.now() - start, status: 0, error: error?.cause?.code ?? error?.name ?? String(error) };
  }
}

/**
 * Run the load. `base` must be the dashboard on 127.0.0.1 (or [::1]); `token` an API token (kura_…) that may read;
 * `containerRef` a container on `engineId` (default "local") and `archiveId` an archive, both existing. Each route is
 * called once before the clock starts (not counted): a route that does not answer 2xx then stops the benchmark with
 * its answer instead of producing `seconds` of errors.
 *
 * Returns { requests, errors, byRoute: { [route]: { count, errors, p50, p95, p99, max } }, overall: { p50, p95, p99,
 * max, rps }, statuses: { [status]: count }, errorSamples: string[], clients, seconds, elapsedSeconds }, latencies in
 * ms. Errors are answers outside 2xx and network failures (status 0).
 */
export async function benchLoad({ base, token, containerRef, archiveId, seconds = 60, clients = 20, engineId = "local" }) {
  const origin = new URL(base);
  if (!LOOPBACK.has(origin.hostname)) throw new Error(`the load benchmark only runs against 127.0.0.1 or [::1], not ${origin.hostname}`);
  if (!token) throw new Error("benchLoad needs an API token (Authorization: Bearer)");
  if (!containerRef || !archiveId) throw new Error("benchLoad needs an existing containerRef and archiveId");
  if (!(seconds > 0 && seconds <= 600)) throw new Error(`seconds must be between 1 and 600, got ${seconds}`);
  if (!(Number.isInteger(clients) && clients >= 1 && clients <= 100))
    throw new Error(`clients must be a whole number from 1 to 100, got ${clients}`);

  const routes = routesFor({ engineId, containerRef, archiveId });
  const baseUrl = origin.origin;
  for (const route of routes) {
    const warm = await timedRequest(baseUrl + route.path, token, REQUEST_TIMEOUT_MS);
    if (warm.status < 200 || warm.status >= 300)
      throw new Error(
        `${route.name} answered ${warm.status || warm.error} before the load started; check the token, container and archive`,
      );
  }

  const samples = routes.map(() => ({ latencies: [], errors: 0 }));
  const statuses = {};
  const errorSamples = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;

  async function client(index) {
    for (let turn = index; performance.now() < deadline; turn++) {
      const routeIndex = turn % routes.length;
      const route = routes[routeIndex];
      // No request outlives the run by more than the timeout, so the benchmark always ends.
      const result = await timedRequest(baseUrl + route.path, token, REQUEST_TIMEOUT_MS);
      const sample = samples[routeIndex];
      sample.latencies.push(result.ms);
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (result.status < 200 || result.status >= 300) {
        sample.errors += 1;
        if (errorSamples.length < 20) errorSamples.push(`${route.name}: ${result.status || result.error}`);
      }
    }
  }

  await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
  const elapsedSeconds = (performance.now() - started) / 1000;

  const byRoute = {};
  routes.forEach((route, index) => {
    const { latencies, errors } = samples[index];
    byRoute[route.name] = { count: latencies.length, errors, ...summarize(latencies) };
  });
  const all = samples.flatMap((sample) => sample.latencies);
  const requests = all.length;
  const errors = samples.reduce((sum, sample) => sum + sample.errors, 0);
  return {
    requests,
    errors,
    byRoute,
    overall: { ...summarize(all), rps: tenths(requests / elapsedSeconds) },
    statuses,
    errorSamples,
    clients,
    seconds,
    elapsedSeconds: tenths(elapsedSeconds),
  };
}

const ms = (value) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`);

/**
 * A markdown section for e2e/bench/*.md. `meta` (all optional): { title, date, machine, engine, node, base, note }; the
 * machine line defaults to this machine's cores, CPU and memory.
 */
export function formatLoadMarkdown(result, meta = {}) {
  const cpus = os.cpus();
  const machine =
    meta.machine ??
    `${cpus.length} cores (${cpus[0]?.model?.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
  const date = meta.date ?? new Date().toISOString();
  const errorRate = result.requests ? (result.errors / result.requests) * 100 : 0;
  const rows = Object.entries(result.byRoute).map(
    ([route, stats]) =>
      `| \`${route}\` | ${stats.count.toLocaleString("en")} | ${stats.errors.toLocaleString("en")} | ${ms(stats.p50)} | ${ms(stats.p95)} | ${ms(stats.p99)} | ${ms(stats.max)} |`,
  );
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${status === "0" ? "network failure" : status}: ${count.toLocaleString("en")}`)
    .join(", ");
  return `## ${meta.title ?? `Load: ${result.clients} clients for ${result.seconds} s`}

Measured on ${date}: ${machine}${meta.node ? `, Node ${meta.node}` : `, Node ${process.version}`}${meta.engine ? `, Docker Engine ${meta.engine}` : ""}.
${result.clients} concurrent clients, each a loop of requests one after another for ${result.seconds} s${meta.base ? ` against ${meta.base}` : ""}, all
sending the same admin API token (Authorization: Bearer); each client cycles through the five routes below, starting at a
different one. Latency runs from sending the request to the last byte of the body; errors are answers outside 2xx and
network failures. Each route was called once before the clock started (not counted).${meta.note ? `\n${meta.note}` : ""}

| route | requests | errors | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
| **all routes** | **${result.requests.toLocaleString("en")}** | **${result.errors.toLocaleString("en")}** (${errorRate.toFixed(2)} %) | **${ms(result.overall.p50)}** | **${ms(result.overall.p95)}** | **${ms(result.overall.p99)}** | **${ms(result.overall.max)}** |

Throughput: ${result.overall.rps.toFixed(1)} requests/s over ${result.elapsedSeconds.toFixed(1)} s. Statuses: ${statuses || "none"}.${
    result.errorSamples.length
      ? `\nFirst errors: ${result.errorSamples
          .slice(0, 5)
          .map((sample) => `\`${sample}\``)
          .join(", ")}.`
      : ""
  }
`;
}

/** `KURA_BENCH=load`: a small archived container, then the load run -> e2e/bench/load.md. */
export async function runLoadBench() {
  const name = `kura-bench-load-${Date.now().toString(36)}`;
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, "debian:bookworm", "sleep", "infinity"]);
  try {
    docker([
      "exec",
      name,
      "bash",
      "-c",
      "mkdir -p /srv/app /etc/app && for i in $(seq 1 200); do echo \"record $i\" > /srv/app/r$i.txt; done && echo 'port = 8080' > /etc/app/app.conf",
    ]);
    const { archive } = await archiveThroughApi(name);
    const token = auth.headers.authorization?.slice("Bearer ".length) ?? "";
    const result = await benchLoad({ base: BASE, token, containerRef: name, archiveId: archive.id, seconds: 60, clients: 20 });
    writeFileSync(
      path.join(root, "e2e", "bench", "load.md"),
      `# Benchmark: load (issue 6)\n\n${formatLoadMarkdown(result, { base: BASE })}`,
    );
    log(`load: ${result.requests} requests, ${result.errors} errors, p95 ${result.overall.p95} ms`);
  } finally {
    try {
      docker(["rm", "-f", "-v", name]);
    } catch {
      // already gone
    }
  }
}
