import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, docker, dockerHost, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { runScript } from "@/e2e/fixtures/release-jump";
import { ensurePostgresImage, POSTGRES_TAG } from "@/e2e/harness/bullseye-images.mjs";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { createCaptureRecipe, deleteCaptureRecipe } from "@/lib/captures/capture-recipe-store";
import type { CaptureRecipeInput } from "@/lib/captures/capture-recipe-schema";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { store } from "@/lib/store/store";
import { cancelJob, waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";

// Issue 15: how a running container is held while its raw files are copied (live, pause, stop), that it always runs
// again afterwards (also when a recipe fails or the archive is cancelled), and that a capture recipe's output is
// consistent (the dump's transaction boundary) and bounded (a hostile recipe is a clear warning, never a hang).

const START_PG = ["sh", "-c", "service postgresql start && exec sleep infinity"];
const names: string[] = [];

function startPostgres(prefix: string): string {
  const name = uniqueName(prefix);
  names.push(name);
  runContainer({ name, image: POSTGRES_TAG, command: START_PG });
  runScript(name, "for i in $(seq 1 100); do pg_isready -q && break; sleep 0.2; done; pg_isready -q");
  return name;
}

const stateOf = (name: string) => docker(["inspect", "-f", "{{.State.Status}}", name]);

/** Asynchronously: a synchronous docker call would freeze Kura's job (in this process) while the engine waits for it. */
const stateOfAsync = async (name: string) =>
  (await promisify(execFile)("docker", ["-H", dockerHost(), "inspect", "-f", "{{.State.Status}}", name])).stdout.trim();

/** Samples the container's state while `work` runs (to see it paused or stopped during the copy). */
async function watchStates<T>(name: string, work: () => Promise<T>): Promise<{ value: T; seen: Set<string> }> {
  const seen = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        seen.add(await stateOfAsync(name));
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { value: await work(), seen };
  } finally {
    watching = false;
    await watcher;
  }
}

async function readBlobText(sha: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const psql = (name: string, database: string, sql: string) =>
  runScript(name, `su postgres -c "psql -XAt -v ON_ERROR_STOP=1 -d ${database}" <<'SQL'\n${sql}\nSQL`);

async function withRecipe<T>(recipe: CaptureRecipeInput, work: () => Promise<T>): Promise<T> {
  await createCaptureRecipe(recipe, "tester");
  try {
    return await work();
  } finally {
    await deleteCaptureRecipe(recipe.id, "tester");
  }
}

describe("quiesce modes and consistent capture (real PostgreSQL 13)", () => {
  beforeAll(() => ensurePostgresImage(dockerHost()), 900_000);
  afterAll(() => names.forEach((name) => removeContainer(name)));

  it("rows written continuously during the archive: the dump loads into a fresh server with count(items) == counter.n", async () => {
    const pg = startPostgres("kura-it-consistent");
    psql(pg, "postgres", "CREATE DATABASE shop;");
    psql(
      pg,
      "shop",
      "CREATE TABLE items (id serial PRIMARY KEY, at timestamptz DEFAULT now()); CREATE TABLE counter (n int); INSERT INTO counter VALUES (0);",
    );
    // One transaction at a time: an item and the counter together, so a consistent copy always has count(items) == n.
    const statement = "BEGIN; INSERT INTO items DEFAULT VALUES; UPDATE counter SET n = n + 1; COMMIT; SELECT pg_sleep(0.002);";
    docker(["exec", "-d", pg, "sh", "-c", `yes '${statement}' | su postgres -c "psql -X -q -d shop" >/dev/null 2>&1`]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Number(psql(pg, "shop", "SELECT n FROM counter;"))).toBeGreaterThan(0);

    const started = await startArchive({ engineId: "local", containerRef: pg, name: "consistent", actor: "tester" });
    const job = await waitForJob(started.jobId, 600_000);
    expect(job.error).toBeNull();
    const manifest = (await readManifest(started.archiveId))!;
    const capture = manifest.captures!.find((item) => item.recipe === "postgresql-dumpall")!;
    const dump = await readBlobText(capture.sha256!);
    const afterArchive = Number(psql(pg, "shop", "SELECT n FROM counter;"));

    const fresh = startPostgres("kura-it-consistent-load");
    execFileSync("docker", ["-H", dockerHost(), "exec", "-i", fresh, "su", "postgres", "-c", "psql -X -q -f - postgres"], {
      input: dump,
      stdio: ["pipe", "ignore", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
    });
    const [consistent, loaded] = psql(fresh, "shop", "SELECT (SELECT count(*) FROM items) = n, n FROM counter;").split("|");
    expect(consistent).toBe("t");
    expect(Number(loaded)).toBeGreaterThan(0);
    // The writes went on during and after the dump: the dump is a point in the middle, not the end.
    expect(afterArchive).toBeGreaterThan(Number(loaded));
  });

  it("pause: the container is paused for the copy and runs again afterwards, also when a recipe fails", async () => {
    const pg = startPostgres("kura-it-pause");
    const failing = {
      id: "it-failing-recipe",
      service: "Failing",
      packages: "^postgresql-13$",
      argv: ["sh", "-c", "echo half; echo broken >&2; exit 3"],
      format: "sql" as const,
    };
    const { value: started, seen } = await withRecipe(failing, () =>
      watchStates(pg, async () => {
        const run = await startArchive({ engineId: "local", containerRef: pg, name: "paused", actor: "tester", quiesce: "pause" });
        const job = await waitForJob(run.jobId, 600_000);
        return { ...run, job };
      }),
    );
    expect(started.job.error).toBeNull();
    expect(seen.has("paused")).toBe(true);
    expect(stateOf(pg)).toBe("running");
    runScript(pg, "pg_isready -q");
    const manifest = (await readManifest(started.archiveId))!;
    expect(manifest.quiesce).toEqual({ mode: "pause", restarted: true });
    expect(manifest.captures!.map((item) => item.recipe)).toEqual(["postgresql-dumpall"]);
    const warning = manifest.warnings.find((item) => item.code === "capture-failed");
    expect(warning?.message).toMatch(/"it-failing-recipe".*exited with code 3\. It said: broken/);
  });

  it("stop: the container is stopped for the copy and started again (the service too)", async () => {
    const pg = startPostgres("kura-it-stop");
    const { value: started, seen } = await watchStates(pg, async () => {
      const run = await startArchive({ engineId: "local", containerRef: pg, name: "stopped", actor: "tester", quiesce: "stop" });
      return { ...run, job: await waitForJob(run.jobId, 600_000) };
    });
    expect(started.job.error).toBeNull();
    expect(seen.has("exited")).toBe(true);
    expect(stateOf(pg)).toBe("running");
    runScript(pg, "for i in $(seq 1 100); do pg_isready -q && break; sleep 0.2; done; pg_isready -q");
    const manifest = (await readManifest(started.archiveId))!;
    expect(manifest.quiesce).toEqual({ mode: "stop", restarted: true });
    // The dump ran first, while the service ran.
    expect(manifest.captures!.map((item) => item.recipe)).toEqual(["postgresql-dumpall"]);
  });

  it("pause, then cancel during the copy: the archive is cancelled, not complete, and the container runs again", async () => {
    const pg = startPostgres("kura-it-pause-cancel");
    // Enough files that the copy lasts while the test sees the pause and cancels.
    runScript(pg, "mkdir -p /srv/bulk && for i in $(seq 1 400); do head -c 200000 /dev/urandom > /srv/bulk/f$i; done");
    const run = await startArchive({ engineId: "local", containerRef: pg, name: "cancelled", actor: "tester", quiesce: "pause" });
    for (let i = 0; i < 600 && (await stateOfAsync(pg)) !== "paused"; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stateOfAsync(pg)).toBe("paused");
    await cancelJob(run.jobId);
    const job = await waitForJob(run.jobId, 120_000);
    expect(job.state).toBe("cancelled");
    expect(stateOf(pg)).toBe("running");
    expect((await getArchiveSummary(run.archiveId)).state).toBe("cancelled");
  });
});

describe("hostile capture recipes (an admin's recipe, a container that prints anything)", () => {
  const debian = uniqueName("kura-it-hostile-recipe");
  let savedLimit = 0;
  beforeAll(() => {
    names.push(debian);
    runContainer({ name: debian, image: BOOKWORM });
    savedLimit = env.KURA_CAPTURE_MAX_BYTES;
    env.KURA_CAPTURE_MAX_BYTES = 1024 * 1024;
  });
  afterAll(() => {
    env.KURA_CAPTURE_MAX_BYTES = savedLimit;
  });

  const archiveWith = (recipe: CaptureRecipeInput) =>
    withRecipe(recipe, async () => {
      const run = await startArchive({ engineId: "local", containerRef: debian, name: "hostile", actor: "tester" });
      const job = await waitForJob(run.jobId, 300_000);
      return { job, manifest: await readManifest(run.archiveId), summary: await getArchiveSummary(run.archiveId) };
    });

  it("output over KURA_CAPTURE_MAX_BYTES is cut off: a warning, no capture, no blob of it left named", async () => {
    const before = await db.archive.count({ where: { state: "complete" } });
    const { job, manifest, summary } = await archiveWith({
      id: "it-flood",
      service: "Flood",
      packages: "^hostname$",
      argv: ["sh", "-c", "yes 'flooding the archive' | head -c 20000000"],
      format: "sql",
    });
    expect(job.error).toBeNull();
    expect(summary.state).toBe("complete");
    expect(manifest!.captures).toEqual([]);
    const warning = manifest!.warnings.find((item) => item.code === "capture-failed");
    expect(warning?.message).toMatch(/"it-flood".*printed more than 1 MiB \(KURA_CAPTURE_MAX_BYTES\) and was cut off/);
    expect(await db.archive.count({ where: { state: "complete" } })).toBe(before + 1);
  });

  it("a recipe that never ends is given up after its time limit, never a hang", async () => {
    const started = Date.now();
    const { job, manifest } = await archiveWith({
      id: "it-sleeper",
      service: "Sleeper",
      packages: "^hostname$",
      argv: ["sleep", "600"],
      format: "ldif",
      timeoutSeconds: 2,
    });
    expect(job.error).toBeNull();
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(manifest!.captures).toEqual([]);
    expect(manifest!.warnings.find((item) => item.code === "capture-failed")?.message).toMatch(/did not finish within 2 s/);
  });

  it("format none whose answer is not the expected one, and binary junk on stderr, give a clean warning", async () => {
    const { manifest } = await archiveWith({
      id: "it-junk",
      service: "Junk",
      packages: "^hostname$",
      argv: ["sh", "-c", "printf 'ERR \\033[31m\\001\\002 nope'; exit 0"],
      format: "none",
      expectOutput: "^OK$",
    });
    const warning = manifest!.warnings.find((item) => item.code === "capture-failed")!;
    expect(warning.message).toMatch(/"it-junk".*answered "ERR \[31m nope"/);
    expect(warning.message).not.toMatch(/[\u0000-\u001f]/);
  });
});
