// PostgreSQL benchmark (issue 15): Kura's whole restore of the PostgreSQL scenario (a Debian 11 PostgreSQL 13 with a
// role, a database with rows and the admin's settings, restored onto Debian 13 with its data converted to 17) against
// `docker build` of a hand-written Dockerfile doing the same conversion (FROM debian:trixie, install postgresql (17),
// load the same dump, the same settings), on the same engine in the same run. Neither uses the build cache (Kura's
// noCache, docker build --no-cache). The archive is made with the container as the capture recipes leave it: with a
// pg_dumpall capture when Kura makes one, Kura loads that; without, the old release's server dumps the archived
// cluster in an extra stage (which installs postgresql-13 too: more work than the hand-written file does). Plain Node.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { auth, BASE, root } from "./bench-common.mjs";
import { ensurePostgresImage, POSTGRES_TAG } from "./bullseye-images.mjs";
import { api, waitJob } from "./bench-restore.mjs";
import { testLabelArgs } from "./engine.mjs";
import { log } from "./sh.mjs";

const BASE_IMAGE = "debian:trixie";
const PASSWORD = "app-secret-77";
const COUNT = `PGPASSWORD='${PASSWORD}' psql -X -t -A -h 127.0.0.1 -U app appdb -c 'SELECT count(*) FROM items'`;
const WAIT = "for i in $(seq 1 600); do pg_isready -q -h 127.0.0.1 && break; sleep 0.2; done";

function docker(dockerHost, args, options = {}) {
  return execFileSync("docker", ["-H", dockerHost, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
    ...options,
  }).trim();
}
const script = (dockerHost, container, text) => docker(dockerHost, ["exec", "-i", container, "sh", "-eu"], { input: text });
const quiet = (fn) => {
  try {
    fn();
  } catch {
    // already gone
  }
};

/** The scenario of lib/restores/restore-postgres-bullseye.int.test.ts, in a container of its own. */
function createPostgresContainer(dockerHost, name) {
  ensurePostgresImage(dockerHost);
  const command = ["sh", "-c", "service postgresql start && exec sleep infinity"];
  docker(dockerHost, ["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, POSTGRES_TAG, ...command]);
  script(
    dockerHost,
    name,
    `${WAIT}
su postgres -c "psql -X -q -c \\"CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'\\""
su postgres -c "createdb -O app appdb"
PGPASSWORD='${PASSWORD}' psql -X -q -h 127.0.0.1 -U app appdb -c "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)"
PGPASSWORD='${PASSWORD}' psql -X -q -h 127.0.0.1 -U app appdb -c "INSERT INTO items (name) SELECT 'item ' || n FROM generate_series(1, 100000) n"
sed -i 's/^max_connections = 100.*/max_connections = 77/' /etc/postgresql/13/main/postgresql.conf
sed -i 's|^host *all *all *127.0.0.1/32.*|host appdb app 127.0.0.1/32 md5\\nhost all all 127.0.0.1/32 reject|' /etc/postgresql/13/main/pg_hba.conf
service postgresql restart >/dev/null
${WAIT}
`,
  );
}

/** The hand-written equivalent: the same dump (pg_dumpall of the running server) and the admin's two edits. */
function handWrittenContext(dockerHost, container) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kura-bench-pg-hand-"));
  writeFileSync(path.join(dir, "dump.sql"), script(dockerHost, container, "su postgres -c pg_dumpall"));
  writeFileSync(path.join(dir, "pg_hba.conf"), docker(dockerHost, ["exec", container, "cat", "/etc/postgresql/13/main/pg_hba.conf"]));
  const dockerfile = [
    `FROM ${BASE_IMAGE}`,
    "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql && rm -rf /var/lib/apt/lists/*",
    "COPY dump.sql /tmp/dump.sql",
    "COPY pg_hba.conf /etc/postgresql/17/main/pg_hba.conf",
    "RUN echo 'max_connections = 77' >> /etc/postgresql/17/main/postgresql.conf && pg_ctlcluster 17 main start " +
      "&& su postgres -c 'psql -X -q -f /tmp/dump.sql postgres' && pg_ctlcluster 17 main stop && rm /tmp/dump.sql",
    'CMD ["sh", "-c", "service postgresql start && exec sleep infinity"]',
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  return dir;
}

/**
 * Waits for a restore's job like waitJob, and notes when each of the restore log's "== " lines (its phases) first
 * appeared, so the results say where Kura's time goes. Pushes one { phase: seconds } record per run onto `phases`.
 */
async function waitJobTimingPhases(base, token, restore, t0, phases) {
  const seen = [];
  const deadline = Date.now() + 900_000;
  let job;
  while (Date.now() < deadline) {
    job = await api(base, token, `/api/jobs/${restore.jobId}`);
    const detail = await api(base, token, `/api/restores/${restore.restoreId}`).catch(() => null);
    for (const raw of String(detail?.log ?? "").split("\n")) {
      const line = raw.replace(/kura-[\w./:-]+/g, "…");
      if (raw.startsWith("== ") && !seen.some((item) => item.line === line)) seen.push({ line, at: performance.now() - t0 });
    }
    if (job.state !== "running" && job.state !== "queued") break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const end = performance.now() - t0;
  const firstLine = seen[0]?.at ?? end;
  phases.push({
    "from the start (the preview included) to the job's first log line": firstLine / 1000,
    ...Object.fromEntries(seen.map((item, index) => [item.line.slice(3, 60), ((seen[index + 1]?.at ?? end) - item.at) / 1000])),
  });
  if (!job || job.state === "running" || job.state === "queued") throw new Error(`job ${restore.jobId} did not finish`);
  return job;
}

export async function benchPostgres({ base, token, dockerHost, runs = 3, buildNetwork = "host", stopped = false }) {
  const source = `kura-bench-postgres-${Date.now().toString(36)}`;
  createPostgresContainer(dockerHost, source);
  const contextDir = handWrittenContext(dockerHost, source);
  const results = { kura: [], hand: [], conversions: [], phases: [] };
  const images = [];
  try {
    // Archived running: the capture recipe (when Kura has one) makes the dump. Stopped (KURA_BENCH_PG_STOPPED=1): the raw
    // files, and the old release's server dumps them in the build.
    if (stopped) {
      script(dockerHost, source, "service postgresql stop >/dev/null");
      docker(dockerHost, ["stop", "-t", "5", source]);
    }
    const started = await api(base, token, `/api/engines/local/containers/${source}/archives`, {
      method: "POST",
      body: JSON.stringify({ name: "bench postgres" }),
    });
    const archived = await waitJob(base, token, started.jobId);
    if (archived.state !== "succeeded") throw new Error(`archive failed: ${archived.error}`);
    for (let run = 0; run < runs; run++) {
      for (const which of run % 2 === 0 ? ["kura", "hand"] : ["hand", "kura"]) {
        const name = `kura-bench-pg-${which}-${Date.now().toString(36)}`;
        const t0 = performance.now();
        if (which === "kura") {
          const previewT0 = performance.now();
          await api(base, token, `/api/archives/${started.archiveId}/restore-plan`, {
            method: "POST",
            body: JSON.stringify({ engineId: "local", baseImage: BASE_IMAGE }),
          });
          const restoreT0 = performance.now();
          const restore = await api(base, token, `/api/archives/${started.archiveId}/restores`, {
            method: "POST",
            body: JSON.stringify({
              engineId: "local",
              baseImage: BASE_IMAGE,
              containerName: name,
              network: "none",
              noCache: true,
              checkCommand: `${WAIT}\n${COUNT}`,
            }),
          });
          const job = await waitJobTimingPhases(base, token, restore, t0, results.phases);
          results.phases.at(-1)["the plan preview (POST restore-plan, before the restore)"] = (restoreT0 - previewT0) / 1000;
          const elapsed = performance.now() - t0;
          const detail = await api(base, token, `/api/restores/${restore.restoreId}`);
          images.push(detail.imageTag);
          if (job.state !== "succeeded") throw new Error(`restore failed: ${job.error}`);
          if (detail.check?.output?.trim().split("\n").at(-1) !== "100000") throw new Error(`restored rows: ${detail.check?.output}`);
          results.kura.push(elapsed);
          results.conversions = (detail.conversions ?? []).map((item) => item.method);
        } else {
          const tag = `kura-bench/pg-hand:${Date.now().toString(36)}`;
          const built = spawnSync(
            "docker",
            ["-H", dockerHost, "build", "--no-cache", "-q", "--network", buildNetwork, "-t", tag, contextDir],
            { encoding: "utf8" },
          );
          if (built.status !== 0) throw new Error(`hand-written build failed: ${built.stderr}`);
          images.push(tag);
          docker(dockerHost, ["run", "-d", "--network", "none", ...testLabelArgs(), "--name", name, tag]);
          const rows = script(dockerHost, name, `${WAIT}\n${COUNT}`);
          if (rows !== "100000") throw new Error(`hand-written rows: ${rows}`);
          results.hand.push(performance.now() - t0);
        }
        quiet(() => docker(dockerHost, ["rm", "-f", "-v", name]));
      }
    }
  } finally {
    for (const image of images) quiet(() => docker(dockerHost, ["rmi", "-f", image]));
    quiet(() => docker(dockerHost, ["rm", "-f", "-v", source]));
    rmSync(contextDir, { recursive: true, force: true });
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    runs,
    stopped,
    ...results,
    kuraMedian: median(results.kura),
    handMedian: median(results.hand),
    ratio: median(results.kura) / median(results.hand),
  };
}

export function formatPostgresMarkdown(result, meta) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  return [
    "# PostgreSQL conversion benchmark",
    "",
    `${meta.date} on ${meta.machine}. The PostgreSQL scenario (Debian 11, PostgreSQL 13: role app with a password, database appdb with 100,000 rows, max_connections = 77 and an edited pg_hba.conf) archived ${result.stopped ? "stopped (no capture: the old release's server dumps the raw files in the build, which installs postgresql-13 from bullseye's repository too)" : "running"} and restored onto ${BASE_IMAGE} (PostgreSQL 17); median of ${result.runs} runs, alternating which goes first; neither build uses the engine's layer cache. The hand-written Dockerfile installs postgresql, loads the same pg_dumpall output and sets the same two settings.`,
    "",
    `Kura's conversion: ${result.conversions.join("; ") || "none"}.`,
    "",
    "| Measure | Median | Runs |",
    "|---|---|---|",
    `| Kura: plan + restore job (build with the conversion, run, verify, check: the rows with app's password) through the API | ${s(result.kuraMedian)} | ${result.kura.map(s).join(", ")} |`,
    `| Hand-written Dockerfile: docker build --no-cache (install, load the dump) + docker run + the same check | ${s(result.handMedian)} | ${result.hand.map(s).join(", ")} |`,
    `| **Ratio Kura / hand-written** | **${result.ratio.toFixed(2)}x** | target: at most 1.3x |`,
    "",
    "Where Kura's time goes (seconds from each phase of the restore log to the next, per run; the first starts after the plan call):",
    "",
    "| Phase | Runs |",
    "|---|---|",
    ...[...new Set(result.phases.flatMap((run) => Object.keys(run)))].map(
      (phase) =>
        `| ${phase.replace(/\|/g, "/")} | ${result.phases.map((run) => (run[phase] === undefined ? "-" : run[phase].toFixed(1))).join(", ")} |`,
    ),
    "",
  ].join("\n");
}

/** `KURA_BENCH=postgres`: measure and write e2e/bench/postgres.md. */
export async function runPostgresBench() {
  const result = await benchPostgres({
    base: BASE,
    token: auth.headers.authorization?.slice("Bearer ".length) ?? "",
    dockerHost: process.env.DOCKER_HOST,
    buildNetwork: process.env.KURA_BUILD_NETWORK ?? "host",
    runs: Number(process.env.KURA_BENCH_RUNS ?? 3),
    stopped: process.env.KURA_BENCH_PG_STOPPED === "1",
  });
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  writeFileSync(
    path.join(root, "e2e", "bench", "postgres.md"),
    formatPostgresMarkdown(result, { date: new Date().toISOString(), machine }),
  );
  log(`postgres: Kura ${Math.round(result.kuraMedian)} ms, hand-written ${Math.round(result.handMedian)} ms, ${result.ratio.toFixed(2)}x`);
}
