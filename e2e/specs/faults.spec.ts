import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "../fixtures/test";
import { BOOKWORM, BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { secondServer, type SecondServer } from "../fixtures/second-server";
import { startPrivateEngine, stopEngine } from "../harness/engine.mjs";

// Faults in the middle of an archive: the engine stops, the disk fills up, a second archive of the same container is
// asked for. Each must end in a failed (or refused) job whose error a person can read, never a complete-looking archive,
// and the archives made before must still verify. (A dashboard killed mid-job: archive-crash.spec.ts.)

const socket2 = process.env.KURA_TEST_ENGINE2_SOCKET ?? "/tmp/kura-e2/docker.sock";
const host2 = `unix://${socket2}`;
// Where the harness keeps the second engine (prepare.mjs: root /tmp/kura-e2, data root /tmp/kura-e2/data).
const engine2Root = path.dirname(socket2);
const engine2 = {
  root: engine2Root,
  dataRoot: path.join(engine2Root, "data"),
  pidfile: path.join(engine2Root, "docker.pid"),
  socketPath: socket2,
};

const remoteName = uniqueName("kura-e2e-fault-engine");
const diskName = uniqueName("kura-e2e-fault-disk");
const busyName = uniqueName("kura-e2e-fault-busy");
let registeredEngineId: string | null = null;
/** Containers this worker made, removed in afterAll (a failed test restarts the worker, so only its own). */
const made: { name: string; host?: string }[] = [];
let fullDiskServer: SecondServer | null = null;

type Job = { id: string; state: string; progress: { done: number; total: number; message: string }; result: unknown; error: string | null };
type Archive = { id: string; state: string; error: string | null; manifest: unknown };
type Started = { jobId: string; archiveId: string };
type EngineView = { id: string; name: string; endpoint: string; reachable: boolean };

/** One way to call either dashboard: the main one (admin `request`) or a second one (its own admin token). */
type Api = <T>(method: string, pathname: string, body?: unknown) => Promise<{ status: number; body: T }>;

function mainApi(request: APIRequestContext): Api {
  return async <T>(method: string, pathname: string, body?: unknown) => {
    const response = await request.fetch(pathname, { method, ...(body === undefined ? {} : { data: body }) });
    const text = await response.text();
    return { status: response.status(), body: (text ? JSON.parse(text) : null) as T };
  };
}

function serverApi(server: SecondServer): Api {
  return async <T>(method: string, pathname: string, body?: unknown) => {
    const response = await server.fetch(pathname, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

const ENDED = ["succeeded", "failed", "cancelled"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJob(api: Api, jobId: string): Promise<Job> {
  const { status, body } = await api<Job>("GET", `/api/jobs/${jobId}`);
  expect(status, `GET /api/jobs/${jobId}`).toBe(200);
  return body;
}

async function waitForJob(api: Api, jobId: string, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(api, jobId);
    if (ENDED.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${job.state} after ${timeoutMs} ms (${job.progress.message})`);
    await sleep(250);
  }
}

/** Wait until the job has copied more than `bytes`; fails at once if it ends before. */
async function waitForBytes(api: Api, jobId: string, bytes: number, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(api, jobId);
    if (ENDED.includes(job.state)) throw new Error(`the job ended ${job.state} before copying ${bytes} bytes: ${job.error}`);
    if (job.progress.done > bytes) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} copied only ${job.progress.done} bytes in ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function startArchive(api: Api, engineId: string, container: string, name: string): Promise<Started> {
  const { status, body } = await api<Started>("POST", `/api/engines/${engineId}/containers/${container}/archives`, { name });
  expect(status, `archive of ${container}: ${JSON.stringify(body)}`).toBe(202);
  return body;
}

async function archiveAndWait(api: Api, engineId: string, container: string, name: string): Promise<string> {
  const started = await startArchive(api, engineId, container, name);
  const job = await waitForJob(api, started.jobId);
  expect(job.state, `archive job: ${job.error}`).toBe("succeeded");
  const archive = await getArchive(api, started.archiveId);
  expect(archive.state).toBe("complete");
  return started.archiveId;
}

async function getArchive(api: Api, archiveId: string): Promise<Archive> {
  const { status, body } = await api<Archive>("GET", `/api/archives/${archiveId}`);
  expect(status).toBe(200);
  return body;
}

/** POST verify, wait for the job: every blob re-read and intact. */
async function expectVerifies(api: Api, archiveId: string): Promise<void> {
  const { status, body } = await api<{ jobId: string }>("POST", `/api/archives/${archiveId}/verify`);
  expect(status, `verify: ${JSON.stringify(body)}`).toBe(202);
  const job = await waitForJob(api, body.jobId);
  expect(job.state, `verify job: ${job.error}`).toBe("succeeded");
  expect((job.result as { corrupt: unknown[] }).corrupt).toEqual([]);
}

/** An error meant for people: a sentence, not an error code, a bare "aborted" or a stack. */
function expectSentence(text: string | null | undefined): void {
  expect(text, "an error message").toBeTruthy();
  const message = text!;
  expect(message, "starts like a sentence").toMatch(/^["'(]?[A-Z]/);
  expect(message, "ends like a sentence").toMatch(/[.!)]$/);
  expect(message.split(/\s+/).length, `"${message}" has a few words`).toBeGreaterThanOrEqual(4);
  expect(message).not.toMatch(/(?:\n|\\n)\s+at /);
  expect(message).not.toMatch(/node_modules|\.ts:|\.js:\d/);
  expect(message).not.toMatch(/^(?:E[A-Z]+|aborted|socket hang up|Error)\b/);
}

/** Files left in the main dashboard's store tmp/ (nothing while no archive runs). */
function mainStoreTmpFiles(): string[] {
  const dataDir = process.env.KURA_DATA_DIR;
  if (!dataDir) return [];
  try {
    // Files only: the store's worker threads keep a folder each in tmp/.
    const tmpDir = path.join(dataDir, "store", "tmp");
    return readdirSync(tmpDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(tmpDir, path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

/** The second engine's id in Kura: registered by endpoint if the engines spec has not done so already. */
async function ensureSecondEngine(api: Api): Promise<string> {
  const { body: engines } = await api<EngineView[]>("GET", "/api/engines");
  const existing = engines.find((engine) => engine.endpoint === host2);
  if (existing) return existing.id;
  const { status, body } = await api<EngineView>("POST", "/api/engines", { name: uniqueName("fault-e2"), endpoint: host2 });
  expect(status, `registering ${host2}: ${JSON.stringify(body)}`).toBe(201);
  registeredEngineId = body.id;
  return body.id;
}

test.afterAll(async ({ request }) => {
  try {
    // Whatever happened, the second engine runs again for the specs after this one (as engines.spec.ts does).
    await startPrivateEngine({ root: engine2.root, dataRoot: engine2.dataRoot });
  } finally {
    for (const container of made) removeContainer(container.name, container.host);
    fullDiskServer?.dispose();
    if (registeredEngineId && registeredEngineId !== "local") await request.delete(`/api/engines/${registeredEngineId}`);
  }
});

test("an engine stopped mid-archive fails the job with a readable error, and earlier archives still verify", async ({ request }) => {
  test.setTimeout(300_000);
  const api = mainApi(request);
  await startPrivateEngine({ root: engine2.root, dataRoot: engine2.dataRoot }); // answers at once when it is up
  const engineId = await ensureSecondEngine(api);

  runContainer({ name: remoteName, image: BUSYBOX, host: host2, command: ["sleep", "3600"] });
  made.push({ name: remoteName, host: host2 });
  exec(remoteName, ["sh", "-c", "mkdir -p /srv/app && echo 'archived before the engine stopped' > /srv/app/small.txt"], host2);
  const before = await archiveAndWait(api, engineId, remoteName, "before the engine stops");
  await expectVerifies(api, before);

  // The engine holds the container while it streams an archive, so a stopping engine only goes away at its 15 s
  // shutdown timeout: the file must take longer than that to copy, or the copy would finish first. On this engine's
  // own host the layer is read from its folder, at up to ~100 MB/s on a quiet machine (800 MB once finished in time):
  // 2.5 GB keeps the copy going well past the shutdown.
  exec(remoteName, ["dd", "if=/dev/urandom", "of=/srv/app/big.bin", "bs=1M", "count=2500"], host2);
  const big = await startArchive(api, engineId, remoteName, "the engine stops during this one");
  await waitForBytes(api, big.jobId, 0);

  try {
    await stopEngine({ pidfile: engine2.pidfile, socketPath: engine2.socketPath });
    const job = await waitForJob(api, big.jobId, 120_000);
    expect(job.state).toBe("failed");
    expectSentence(job.error);
    // docker-error.ts: "Kura cannot reach engine "…": connection refused (is the engine running?)." and the like.
    expect(job.error).toMatch(
      /cannot reach|unreachable|not reachable|is the engine running|engine (?:stopped|went away|closed|disconnected)|connection to the engine/i,
    );

    const archive = await getArchive(api, big.archiveId);
    expect(archive.state).not.toBe("complete");
    expect(archive.state).toBe("failed");
    expect(archive.manifest).toBeNull();
    expectSentence(archive.error);
    await expect.poll(mainStoreTmpFiles, { timeout: 10_000 }).toEqual([]);
  } finally {
    await startPrivateEngine({ root: engine2.root, dataRoot: engine2.dataRoot });
  }

  await expectVerifies(api, before);
  const listed = (await api<Archive[]>("GET", "/api/archives")).body;
  expect(listed.find((archive) => archive.id === big.archiveId)?.state).toBe("failed");
});

test("a full disk fails the archive with a readable error, leaves no partial blob, and earlier archives still verify", async () => {
  test.skip(process.getuid?.() !== 0, "mounting a small tmpfs for the store needs root");
  test.setTimeout(300_000);
  // A dashboard of its own whose store (only the store: its database stays on the normal disk) is a 24 MB tmpfs.
  const server = secondServer(3109, { storeOnTmpfs: { sizeMb: 24 } });
  fullDiskServer = server;
  const api = serverApi(server);
  try {
    await server.start();
    runContainer({ name: diskName, image: BOOKWORM });
    made.push({ name: diskName });
    exec(diskName, ["bash", "-c", "mkdir -p /srv/app && echo 'archived while there was room' > /srv/app/small.txt"]);
    const before = await archiveAndWait(api, "local", diskName, "while there was room");
    await expectVerifies(api, before);

    // 64 MB of random bytes: gzip cannot shrink them below the 24 MB the store has.
    exec(diskName, ["dd", "if=/dev/urandom", "of=/srv/app/big.bin", "bs=1M", "count=64", "status=none"]);
    const big = await startArchive(api, "local", diskName, "does not fit");
    const job = await waitForJob(api, big.jobId);
    expect(job.state).toBe("failed");
    expectSentence(job.error);
    expect(job.error).toMatch(/full/i); // blob-store.ts: "The disk holding the archive store (…) is full. Free some space …"

    const archive = await getArchive(api, big.archiveId);
    expect(archive.state).toBe("failed");
    expect(archive.manifest).toBeNull();
    await expect.poll(() => server.storeFiles("tmp"), { timeout: 10_000 }).toEqual([]);

    await expectVerifies(api, before);
    expect((await server.fetch("/api/health")).ok).toBe(true);
  } finally {
    fullDiskServer = null;
    server.dispose();
  }
});

test("a second archive of a container while one runs is refused with 409, and cancel ends the first", async ({ request }) => {
  test.setTimeout(180_000);
  const api = mainApi(request);
  runContainer({ name: busyName, image: BUSYBOX, command: ["sleep", "3600"] });
  made.push({ name: busyName });
  exec(busyName, ["mkdir", "-p", "/srv/app"]);
  exec(busyName, ["dd", "if=/dev/urandom", "of=/srv/app/big.bin", "bs=1M", "count=200"]);

  const first = await startArchive(api, "local", busyName, "the first");
  const second = await api<{ error: { code: string; message: string } }>("POST", `/api/engines/local/containers/${busyName}/archives`, {
    name: "the second",
  });
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe("archive_in_progress");
  expectSentence(second.body.error.message);

  const cancel = await api<Job>("POST", `/api/jobs/${first.jobId}/cancel`);
  expect(cancel.status, JSON.stringify(cancel.body)).toBe(202);
  const job = await waitForJob(api, first.jobId);
  expect(job.state).toBe("cancelled");
  const archive = await getArchive(api, first.archiveId);
  expect(archive.state).not.toBe("complete");
  expect(archive.manifest).toBeNull();
  await expect.poll(mainStoreTmpFiles, { timeout: 10_000 }).toEqual([]);
});
