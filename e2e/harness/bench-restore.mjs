// Restore benchmark (issue 5): the whole restore of the Samba scenario by Kura (plan, build, run,
// verify, through the HTTP API) against `docker build` of a hand-written Dockerfile that does the
// same (install samba and smbclient on debian:trixie, copy the same files, recreate the user, run
// it), on the same engine in the same run. Neither uses the engine's build cache (Kura's noCache,
// docker build --no-cache), as on the day a retired service comes back. Plain Node.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { auth, BASE, root } from "./bench-common.mjs";
import { testLabelArgs } from "./engine.mjs";
import { createSambaContainer, removeSambaContainer, SAMBA_FILE, SAMBA_UID, SAMBA_USER } from "./samba-image.mjs";
import { log } from "./sh.mjs";

const BASE_IMAGE = "debian:trixie";

function docker(dockerHost, args, options = {}) {
  return execFileSync("docker", ["-H", dockerHost, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
  }).trim();
}

const quiet = (fn) => {
  try {
    fn();
  } catch {
    // already gone
  }
};

/**
 * One request on a connection of its own (no keep-alive): the bench blocks its event loop in
 * spawnSync for a minute at a time, and a pooled connection the server closed meanwhile fails.
 */
export function api(base, token, pathname, init = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${pathname}`,
      { method: init.method ?? "GET", agent: false, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          const body = text ? JSON.parse(text) : null;
          if (response.statusCode < 200 || response.statusCode >= 300)
            reject(new Error(`${init.method ?? "GET"} ${pathname}: ${response.statusCode} ${text}`));
          else resolve(body);
        });
      },
    );
    request.on("error", reject);
    if (init.body) request.write(init.body);
    request.end();
  });
}

export async function waitJob(base, token, jobId, limitMs = 900_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const job = await api(base, token, `/api/jobs/${jobId}`);
    if (job.state !== "running" && job.state !== "queued") return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** The hand-written equivalent: the files Kura archived, taken with docker cp, and a Dockerfile a person would write. */
function handWrittenContext(dockerHost, container) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kura-bench-hand-"));
  const files = ["/etc/samba/smb.conf", "/var/lib/samba/private/passdb.tdb", "/var/lib/samba/private/secrets.tdb", SAMBA_FILE.path];
  for (const file of files) {
    const target = path.join(dir, "files", file);
    mkdirSync(path.dirname(target), { recursive: true });
    docker(dockerHost, ["cp", `${container}:${file}`, target]);
  }
  const dockerfile = [
    `FROM ${BASE_IMAGE}`,
    "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y samba smbclient && rm -rf /var/lib/apt/lists/*",
    `RUN useradd -m -u ${SAMBA_UID} -s /bin/bash ${SAMBA_USER}`,
    "COPY files/ /",
    `RUN chown -R ${SAMBA_USER}:${SAMBA_USER} /srv/share && chmod 0750 /srv/share && chmod 0600 /var/lib/samba/private/*.tdb`,
    'CMD ["sleep", "infinity"]',
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  return dir;
}

export async function benchRestore({ base, token, dockerHost, runs = 3, buildNetwork = "host" }) {
  const service = createSambaContainer({ dockerHost, name: `kura-bench-samba-${Date.now().toString(36)}` });
  const contextDir = handWrittenContext(dockerHost, service.id);
  const results = { kura: [], hand: [], kuraSteps: [] };
  const images = []; // removed at the end: removing one after its run would drop the build cache it made
  try {
    const started = await api(base, token, `/api/engines/local/containers/${service.name}/archives`, {
      method: "POST",
      body: JSON.stringify({ name: "bench samba" }),
    });
    const archived = await waitJob(base, token, started.jobId);
    if (archived.state !== "succeeded") throw new Error(`archive failed: ${archived.error}`);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? ["kura", "hand"] : ["hand", "kura"];
      const timed = run >= 0;
      for (const which of order) {
        if (which === "kura") {
          const name = `kura-bench-restored-${Date.now().toString(36)}`;
          const t0 = performance.now();
          await api(base, token, `/api/archives/${started.archiveId}/restore-plan`, {
            method: "POST",
            body: JSON.stringify({ engineId: "local", baseImage: BASE_IMAGE }),
          });
          const restore = await api(base, token, `/api/archives/${started.archiveId}/restores`, {
            method: "POST",
            body: JSON.stringify({ engineId: "local", baseImage: BASE_IMAGE, containerName: name, network: "none", noCache: true }),
          });
          const job = await waitJob(base, token, restore.jobId);
          const elapsed = performance.now() - t0;
          const detail = await api(base, token, `/api/restores/${restore.restoreId}`);
          if (job.state !== "succeeded") throw new Error(`restore failed: ${job.error}`);
          if (timed) results.kura.push(elapsed);
          if (timed) results.kuraSteps.push({ files: detail.verification?.filesChecked ?? 0 });
          quiet(() => docker(dockerHost, ["rm", "-f", "-v", name]));
          images.push(detail.imageTag);
        } else {
          const tag = `kura-bench/hand:${Date.now().toString(36)}`;
          const name = `kura-bench-hand-${Date.now().toString(36)}`;
          const t0 = performance.now();
          const built = spawnSync(
            "docker",
            ["-H", dockerHost, "build", "--no-cache", "-q", "--network", buildNetwork, "-t", tag, contextDir],
            { encoding: "utf8" },
          );
          if (built.status !== 0) throw new Error(`hand-written build failed: ${built.stderr}`);
          docker(dockerHost, ["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, tag]);
          docker(dockerHost, ["exec", name, "test", "-f", SAMBA_FILE.path]);
          if (timed) results.hand.push(performance.now() - t0);
          quiet(() => docker(dockerHost, ["rm", "-f", "-v", name]));
          images.push(tag);
        }
      }
    }
  } finally {
    for (const image of images) quiet(() => docker(dockerHost, ["rmi", "-f", image]));
    removeSambaContainer(dockerHost, service.id);
    rmSync(contextDir, { recursive: true, force: true });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    runs,
    kura: results.kura,
    hand: results.hand,
    kuraMedian: median(results.kura),
    handMedian: median(results.hand),
    ratio: median(results.kura) / median(results.hand),
    filesVerified: results.kuraSteps[0]?.files ?? 0,
  };
}

export function formatRestoreMarkdown(result, meta) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  return [
    "# Restore benchmark",
    "",
    `${meta.date} on ${meta.machine}. The Samba scenario (Debian 12, samba + smbclient, user alice, one share) restored onto ${BASE_IMAGE}; median of ${result.runs} runs, alternating which goes first; neither build uses the engine's layer cache (Kura's \`noCache\`, \`docker build --no-cache\`), so both download and install samba and smbclient from Debian's mirror every time.`,
    "",
    "| Measure | Median | Runs |",
    "|---|---|---|",
    `| Kura: plan + restore job (build, run, verify ${result.filesVerified} entries) through the API | ${s(result.kuraMedian)} | ${result.kura.map(s).join(", ")} |`,
    `| Hand-written Dockerfile: docker build --no-cache + docker run + a file check | ${s(result.handMedian)} | ${result.hand.map(s).join(", ")} |`,
    `| **Ratio Kura / hand-written** | **${result.ratio.toFixed(2)}x** | target: within 1.3x |`,
    "",
  ].join("\n");
}

/** `KURA_BENCH=restore`: measure and write e2e/bench/restore.md. */
export async function runRestoreBench() {
  const result = await benchRestore({
    base: BASE,
    token: auth.headers.authorization?.slice("Bearer ".length) ?? "",
    dockerHost: process.env.DOCKER_HOST,
    buildNetwork: process.env.KURA_BUILD_NETWORK ?? "host",
  });
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeFileSync(path.join(root, "e2e", "bench", "restore.md"), formatRestoreMarkdown(result, { date: new Date().toISOString(), machine }));
  log(`restore: Kura ${Math.round(result.kuraMedian)} ms, hand-written ${Math.round(result.handMedian)} ms, ${result.ratio.toFixed(2)}x`);
}
