// Benchmark part "million": detection of a container with 1,000,000 changed files against `docker diff`
// in the same run (issue 13's scale target), with the size of the changes API's answer.
// -> e2e/bench/million.md
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { call, auth, docker, median, ms, root, time } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const FOLDERS = 20;
const FILES_PER_FOLDER = 50_000;
const RUNS = 2;

function makeContainer(name) {
  try {
    docker(["rm", "-f", name]);
  } catch {
    // not there yet
  }
  docker(["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, "debian:bookworm", "sleep", "infinity"]);
  const script = [
    "set -e",
    `for d in $(seq 1 ${FOLDERS}); do mkdir -p /srv/d$d && (cd /srv/d$d && seq -f 'f%06g.txt' 1 ${FILES_PER_FOLDER} | xargs touch); done`,
  ].join("\n");
  docker(["exec", name, "bash", "-c", script]);
}

export async function runMillionBench() {
  const name = "kura-bench-1m";
  log(`creating a container with ${(FOLDERS * FILES_PER_FOLDER).toLocaleString("en")} changed files`);
  makeContainer(name);
  const changes = `/api/engines/local/containers/${name}/changes?packageChecks=false`;
  const diffTimes = [];
  const apiTimes = [];
  let diffCount = 0;
  let entries = 0;
  let bytes = 0;
  let status = 0;
  let timings = {};
  docker(["diff", name]); // warm-up
  for (let run = 0; run < RUNS; run++) {
    diffTimes.push(await time(async () => (diffCount = docker(["diff", name]).split("\n").filter(Boolean).length)));
    apiTimes.push(
      await time(async () => {
        const response = await call("GET", changes, { headers: auth.headers });
        status = response.status;
        bytes = Buffer.byteLength(response.text);
        if (status === 200) {
          const body = JSON.parse(response.text);
          entries = body.entries.length;
          timings = body.timings;
        }
      }),
    );
  }
  const diff = median(diffTimes);
  const detected = median(apiTimes);
  const engineVersion = docker(["version", "--format", "{{.Server.Version}}"]).trim();
  const report = `# Benchmark: one million changed files (issue 13)

Measured by \`npm run bench\` on ${new Date().toISOString()} (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,
Docker Engine ${engineVersion}, Node ${process.version}). Medians of ${RUNS} runs after one warm-up of \`docker diff\`.
Container: Debian 12 with ${FOLDERS} folders of ${FILES_PER_FOLDER.toLocaleString("en")} new empty files (${diffCount.toLocaleString("en")} paths in \`docker diff\`).

| measure | result | baseline | ratio | target |
| --- | --- | --- | --- | --- |
| changes API (whole list, no package checks) | ${ms(detected)} | \`docker diff\` ${ms(diff)} | ${(detected / diff).toFixed(2)}x | at most 1.0x |

The API answered HTTP ${status} with ${(bytes / 1e6).toFixed(0)} MB of JSON for ${entries.toLocaleString("en")} entries. Server-side split (ms):
${JSON.stringify(timings)}. Raw runs (ms): docker diff ${diffTimes.map(Math.round).join(", ")}; API ${apiTimes.map(Math.round).join(", ")}.

Not measured yet: the tree's first paint and ticking the root at this size (the tree still loads the whole list; a paged,
per-folder API is open work in issue 13).
`;
  writeFileSync(path.join(root, "e2e", "bench", "million.md"), report);
  process.stdout.write(`\n${report}\n`);
  docker(["rm", "-f", name]);
}
