// Benchmark part "service": detection of a whole service image (its own layers analysed, issue 13)
// against `docker export` of the same container, cold (a dashboard just started, no layer analysed
// yet) and on a second container of the same image (the layers' analysis cached by digest).
// -> e2e/bench/service.md
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { api, docker, median, ms, root, RUNS, servers, signIn, startServer, stopServer, time } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

export const SERVICE_TAG = "kura-bench/service:bookworm";

// A service the way images are made: packages from apt, an edited config, a site, an application
// copied in, tools in /usr/local, about 500 MB and 17,000 paths in all (with the base).
const DOCKERFILE = `FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nginx python3 git perl ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
RUN sed -i 's/worker_connections 768/worker_connections 999/' /etc/nginx/nginx.conf \\
    && mkdir -p /opt/app/lib /var/www/html/static \\
    && for i in $(seq 1 2500); do echo "def f$i(): return $i" > /opt/app/lib/mod$i.py; done \\
    && for i in $(seq 1 1500); do echo "<p>page $i</p>" > /var/www/html/static/p$i.html; done \\
    && head -c 60000000 /dev/urandom > /opt/app/model.bin \\
    && printf '#!/bin/sh\\necho tool\\n' > /usr/local/bin/svc-tool && chmod 755 /usr/local/bin/svc-tool
CMD ["sleep", "infinity"]
`;

function ensureServiceImage() {
  try {
    docker(["image", "inspect", SERVICE_TAG]);
    return;
  } catch {
    // not built yet
  }
  log(`docker build ${SERVICE_TAG}`);
  // The Dockerfile on stdin; the build network only for apt.
  execFileSync("docker", ["-H", process.env.DOCKER_HOST, "build", "--network", "host", "-q", "-t", SERVICE_TAG, "-"], {
    input: DOCKERFILE,
  });
}

/** `docker export <container> > /dev/null` (the CLI refuses `-o /dev/null`, a character device). */
function exportToNull(name) {
  const devNull = openSync("/dev/null", "w");
  try {
    const result = spawnSync("docker", ["-H", process.env.DOCKER_HOST, "export", name], { stdio: ["ignore", devNull, "pipe"] });
    if (result.status !== 0) throw new Error(`docker export ${name} failed: ${result.stderr}`);
  } finally {
    closeSync(devNull);
  }
}

function startContainer(name) {
  try {
    docker(["rm", "-f", name]);
  } catch {
    // not there
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, SERVICE_TAG]);
  docker(["exec", name, "sh", "-c", "echo '<p>written at run time</p>' > /var/www/html/runtime.html"]);
}

async function restartDashboard() {
  if (servers.current) await stopServer(servers.current);
  await startServer();
  await signIn();
}

export async function runServiceBench() {
  ensureServiceImage();
  const [first, second] = ["kura-bench-service-1", "kura-bench-service-2"];
  startContainer(first);
  startContainer(second);
  const imageBytes = Number(docker(["image", "inspect", "--format", "{{.Size}}", SERVICE_TAG]).trim());
  const files = Number(
    docker(["run", "--rm", "--network", "none", ...testLabelArgs(), SERVICE_TAG, "sh", "-c", "find / -xdev | wc -l"]).trim(),
  );
  const exportTimes = [];
  const coldTimes = [];
  const warmTimes = [];
  let cold = null;
  let warm = null;
  exportToNull(first); // warm-up: the page cache holds the layers for both sides
  for (let run = 0; run < RUNS; run++) {
    exportTimes.push(await time(async () => exportToNull(first)));
    // A dashboard just started has analysed no layer yet.
    await restartDashboard();
    coldTimes.push(await time(async () => (cold = await api("GET", `/api/engines/local/containers/${first}/changes`))));
    warmTimes.push(await time(async () => (warm = await api("GET", `/api/engines/local/containers/${second}/changes`))));
  }
  const exported = median(exportTimes);
  const sources = (body) => {
    const counts = {};
    for (const entry of body.entries) counts[entry.source] = (counts[entry.source] ?? 0) + 1;
    return counts;
  };
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  const report = `# Benchmark: whole-service detection (issue 13)

Measured by \`npm run bench\` on ${new Date().toISOString()} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Docker Engine ${engineVersion}, Node ${process.version}). Medians of ${RUNS} runs after one warm-up of \`docker export\`.
Image: \`${SERVICE_TAG}\`, ${(imageBytes / 1e6).toFixed(0)} MB, ${files.toLocaleString("en")} paths (FROM debian:bookworm with nginx, python3, git,
perl; 2,500 Python modules, 1,500 pages and a 60 MB file added by its Dockerfile); each container wrote one more page.
"Cold" is the first detection by a dashboard just started (no image layer analysed yet); "second container" is another
container of the same image right after (its image layers' analysis is cached by layer digest).

| measure | result | baseline | ratio | target |
| --- | --- | --- | --- | --- |
| detection, cold | ${ms(median(coldTimes))} | \`docker export\` ${ms(exported)} | ${(median(coldTimes) / exported).toFixed(2)}x | at most 1.0x |
| detection, second container of the same image | ${ms(median(warmTimes))} | \`docker export\` ${ms(exported)} | ${(median(warmTimes) / exported).toFixed(2)}x | at most 0.2x |

Entries (cold): ${cold.entries.length.toLocaleString("en")} by source ${JSON.stringify(sources(cold))}, layer cache ${JSON.stringify(cold.image?.layerCache ?? null)};
second container: layer cache ${JSON.stringify(warm.image?.layerCache ?? null)}. Server-side split (ms), cold: ${JSON.stringify(cold.timings)};
second: ${JSON.stringify(warm.timings)}.

Raw runs (ms): docker export ${exportTimes.map(Math.round).join(", ")}; cold ${coldTimes.map(Math.round).join(", ")}; second ${warmTimes.map(Math.round).join(", ")}.
`;
  writeFileSync(path.join(root, "e2e", "bench", "service.md"), report);
  process.stdout.write(`\n${report}\n`);
  docker(["rm", "-f", first, second]);
}
