import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { secondServer, type SecondServer } from "../fixtures/second-server";
import { ensurePostgres } from "../harness/postgres.mjs";

// Issue 16: several dashboards on one PostgreSQL database and one bucket (Ceph RGW). Two dashboards, A and B, each with
// its own data folder and process, share both. One archives while the other shows the progress and cancels it; a
// dashboard that starts meanwhile does not fail the job the other runs; sign-in failures count on both; kill -9 of the
// one archiving: the other ends its job as failed once the lease runs out, nothing half-made is listed, and the archive
// made before verifies from the other dashboard.

type Job = { state: string; error: string | null; progress: { done: number }; runBy: string | null; result: unknown };
type Archive = { id: string; state: string; error: string | null };

const run = (process.env.KURA_TEST_RUN ?? `local-${Date.now().toString(36)}`).replace(/[^a-z0-9]/gi, "_").toLowerCase();
const s3 = {
  endpoint: process.env.KURA_TEST_S3_ENDPOINT,
  accessKey: process.env.KURA_TEST_S3_ACCESS_KEY,
  secretKey: process.env.KURA_TEST_S3_SECRET_KEY,
  region: process.env.KURA_TEST_S3_REGION ?? "us-east-1",
};
const shared = (databaseUrl: string, replica: string) => ({
  databaseUrl,
  env: {
    KURA_STORE: `s3://kura-e2e-replicas/${run}`,
    AWS_ENDPOINT_URL_S3: s3.endpoint ?? "",
    AWS_ACCESS_KEY_ID: s3.accessKey ?? "",
    AWS_SECRET_ACCESS_KEY: s3.secretKey ?? "",
    AWS_REGION: s3.region,
    KURA_REPLICA_ID: replica,
    // A short lease, so a dead dashboard's job is ended within seconds (30 s by default).
    KURA_JOB_LEASE_MS: "3000",
  },
});

const big = uniqueName("kura-e2e-replicas-big");
const small = uniqueName("kura-e2e-replicas-small");
let a: SecondServer;
let b: SecondServer;
/** A second Kura of its own (its own PostgreSQL database and bucket prefix), for the bundle test. */
let c: SecondServer;
let madeBefore: string | undefined;
const restoredOnC = uniqueName("kura-e2e-replicas-restored");

test.beforeAll(async () => {
  if (!s3.endpoint || !s3.accessKey || !s3.secretKey)
    throw new Error("No Ceph cluster for this test: npm test starts one (KURA_TEST_S3_ENDPOINT and its keys are unset).");
  const postgres = (await ensurePostgres({ database: `kura_e2e_replicas_${run}`.slice(0, 63) })) as { url: string };
  a = secondServer(3111, shared(postgres.url, "dashboard-a"));
  b = secondServer(3112, shared(postgres.url, "dashboard-b"));
  const other = (await ensurePostgres({ database: `kura_e2e_other_${run}`.slice(0, 63) })) as { url: string };
  const own = shared(other.url, "other-kura");
  c = secondServer(3113, { ...own, env: { ...own.env, KURA_STORE: `s3://kura-e2e-replicas/${run}-other` } });
  runContainer({ name: big, image: BOOKWORM });
  // One large incompressible file: archiving it into the bucket takes a while.
  exec(big, ["bash", "-c", "mkdir -p /srv/app && head -c 400000000 /dev/urandom > /srv/app/big.bin && echo hello > /srv/app/hello.txt"]);
  runContainer({ name: small, image: BOOKWORM });
  exec(small, ["bash", "-c", "mkdir -p /srv/app && echo 'made before the others' > /srv/app/note.txt"]);
});

test.afterAll(() => {
  a?.dispose();
  b?.dispose();
  c?.dispose();
  removeContainer(restoredOnC);
  removeContainer(big);
  removeContainer(small);
});

async function json<T>(server: SecondServer, pathname: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await server.fetch(pathname, init);
  return { status: response.status, body: (await response.json()) as T };
}

async function startArchive(server: SecondServer, container: string, name: string) {
  const started = await json<{ jobId: string; archiveId: string }>(server, `/api/engines/local/containers/${container}/archives`, {
    method: "POST",
    body: JSON.stringify({ name }),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body;
}

async function waitJob(server: SecondServer, jobId: string, timeout = 120_000): Promise<Job> {
  let job: Job | null = null;
  await expect
    .poll(
      async () => {
        job = (await json<Job>(server, `/api/jobs/${jobId}`)).body;
        return job.state;
      },
      { timeout, intervals: [250] },
    )
    .not.toMatch(/^(running|queued)$/);
  return job!;
}

/** Until the job has written this many bytes (it is still running), seen from `server`. */
async function waitForBytes(server: SecondServer, jobId: string, bytes: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const job = (await json<Job>(server, `/api/jobs/${jobId}`)).body;
        expect(job.state, job.error ?? "").toBe("running");
        return job.progress.done;
      },
      { timeout: 120_000, intervals: [200] },
    )
    .toBeGreaterThan(bytes);
}

test("two dashboards on one PostgreSQL and one bucket: progress and cancel from either, a dead one's job ended by the other", async ({
  browser,
}) => {
  test.setTimeout(420_000);
  await a.start();
  await b.start();

  // An archive made before the rest, on A; B lists it (one database) and reads its content (one bucket) later.
  const before = await startArchive(a, small, "made before");
  expect((await waitJob(a, before.jobId)).state).toBe("succeeded");
  madeBefore = before.archiveId;
  expect((await json<Archive[]>(b, "/api/archives")).body.map((item) => item.id)).toContain(before.archiveId);

  // Sign-in failures count on both dashboards: 3 on A and 2 on B use up a name's 5 attempts; the next, on either, is
  // refused.
  const wrong = (server: SecondServer) =>
    fetch(`${server.base}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify({ name: "someone-guessing", password: "not-the-password-at-all" }),
    }).then((response) => response.status);
  expect([await wrong(a), await wrong(a), await wrong(a), await wrong(b), await wrong(b)]).toEqual([401, 401, 401, 401, 401]);
  expect(await wrong(a)).toBe(429);
  expect(await wrong(b)).toBe(429);

  // A archives the large container; the job is A's.
  const first = await startArchive(a, big, "cancelled from B");
  await waitForBytes(b, first.jobId, 1_000_000);
  expect((await json<Job>(b, `/api/jobs/${first.jobId}`)).body.runBy).toBe("dashboard-a");
  // B restarts meanwhile (its start-up recovery runs): the job A runs goes on.
  b.kill();
  await b.start();
  expect((await json<Job>(a, `/api/jobs/${first.jobId}`)).body.state).toBe("running");

  // A browser signs in on A; its session works on B as it is (a row of the shared database: the cookie is the host's,
  // whatever the port). In B's pages the archive shows its progress, and Cancel stops it on A.
  const browserContext = await browser.newContext();
  const bPage = await browserContext.newPage();
  await bPage.goto(`${a.base}/sign-in`);
  await bPage.getByLabel("Name", { exact: true }).fill(process.env.KURA_ADMIN_NAME ?? "admin");
  await bPage.getByLabel("Password", { exact: true }).fill(process.env.KURA_ADMIN_PASSWORD ?? "");
  await bPage.getByRole("button", { name: "Sign in" }).click();
  await expect(bPage).toHaveURL(/\/overview/);
  await bPage.goto(`${b.base}/archives/${first.archiveId}`);
  await expect(bPage).toHaveURL(new RegExp(`^${b.base}/archives/${first.archiveId}`));
  const progress = bPage.getByTestId("job-progress");
  await expect(progress).toHaveAttribute("data-state", "running");
  await expect(bPage.getByRole("progressbar", { name: "Archiving" })).toBeVisible();
  await bPage.screenshot({ path: test.info().outputPath("archive-progress-on-the-other-dashboard.png"), fullPage: true });
  await progress.getByRole("button", { name: "Cancel" }).click();
  const cancelled = await waitJob(a, first.jobId, 30_000);
  expect(cancelled.state).toBe("cancelled");
  await expect(bPage.getByText(/This archive is cancelled/)).toBeVisible({ timeout: 15_000 });
  await browserContext.close();

  // kill -9 of A while it archives: B ends the job once A's lease has run out.
  const second = await startArchive(a, big, "its dashboard dies");
  await waitForBytes(b, second.jobId, 1_000_000);
  a.kill();
  const failed = await waitJob(b, second.jobId, 60_000);
  expect(failed.state).toBe("failed");
  expect(failed.error).toContain("stopped answering");
  const halfMade = (await json<Archive>(b, `/api/archives/${second.archiveId}`)).body;
  expect(halfMade.state).toBe("failed");
  // Nothing half-made is listed as complete: only the archive made before.
  const listed = (await json<Archive[]>(b, "/api/archives")).body;
  expect(listed.filter((item) => item.state === "complete").map((item) => item.id)).toEqual([before.archiveId]);
  expect(listed.filter((item) => item.state === "creating")).toEqual([]);

  // The archive made before verifies from B: every blob re-read from the bucket and re-hashed.
  const verify = await json<{ jobId: string }>(b, `/api/archives/${before.archiveId}/verify`, { method: "POST" });
  expect(verify.status).toBe(202);
  const verified = await waitJob(b, verify.body.jobId);
  expect(verified.state, verified.error ?? "").toBe("succeeded");
  expect((verified.result as { corrupt: unknown[] }).corrupt).toEqual([]);
});

test("an archive of the shared dashboards, exported as a bundle, imports into another Kura on PostgreSQL and Ceph, verifies and restores", async () => {
  test.setTimeout(420_000);
  await b.start().catch(() => undefined); // running already after the test above
  if (!madeBefore) {
    const made = await startArchive(b, small, "made before");
    expect((await waitJob(b, made.jobId)).state).toBe("succeeded");
    madeBefore = made.archiveId;
  }
  const exported = await b.fetch(`/api/archives/${madeBefore}/bundle`);
  expect(exported.status).toBe(200);
  const bundle = new Uint8Array(await exported.arrayBuffer());

  await c.start();
  const imported = await c.fetch("/api/archives/import", { method: "POST", body: bundle, headers: { "content-type": "application/gzip" } });
  expect(imported.status).toBe(201);
  const archive = (await imported.json()) as { id: string; state: string };
  expect(archive.state).toBe("complete");
  const verify = await json<{ jobId: string }>(c, `/api/archives/${archive.id}/verify`, { method: "POST" });
  const verified = await waitJob(c, verify.body.jobId);
  expect(verified.state, verified.error ?? "").toBe("succeeded");
  expect((verified.result as { corrupt: unknown[] }).corrupt).toEqual([]);

  const restore = await json<{ jobId: string; restoreId: string }>(c, `/api/archives/${archive.id}/restores`, {
    method: "POST",
    body: JSON.stringify({ engineId: "local", baseImage: BOOKWORM, containerName: restoredOnC, network: "none" }),
  });
  expect(restore.status, JSON.stringify(restore.body)).toBe(202);
  const restored = await waitJob(c, restore.body.jobId, 400_000);
  expect(restored.state, restored.error ?? "").toBe("succeeded");
  expect(exec(restoredOnC, ["cat", "/srv/app/note.txt"]).trim()).toBe("made before the others");
});
