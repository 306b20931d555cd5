import { gzipSync } from "node:zlib";
import { expect, test } from "../fixtures/test";
import tar from "tar-stream";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { secondServer } from "../fixtures/second-server";

// Export a bundle from this Kura and import it into a fresh one (its own data directory and
// database): the archive arrives complete and verifies. Hostile bundles are refused with a
// message naming the problem, and the fresh store stays empty.
const fresh = secondServer(3108);
const name = uniqueName("kura-e2e-bundle");
let bundle: Buffer;

async function waitJob(get: (pathname: string) => Promise<{ json(): Promise<unknown> }>, jobId: string) {
  for (let i = 0; i < 600; i++) {
    const job = (await (await get(`/api/jobs/${jobId}`)).json()) as { state: string; result: unknown; error: string | null };
    if (job.state !== "running" && job.state !== "queued") return job;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("job did not finish");
}

function tarOf(
  entries: { name: string; type?: "file" | "symlink" | "character-device" | "directory"; linkname?: string; content?: string }[],
): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    const header = { name: entry.name, type: entry.type ?? "file", linkname: entry.linkname, mode: 0o644 };
    if (header.type === "file") pack.entry(header, entry.content ?? "");
    else pack.entry(header, "");
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on("end", () => resolve(gzipSync(Buffer.concat(chunks))));
    pack.on("error", reject);
  });
}

test.beforeAll(async ({ request }) => {
  runContainer({ name, image: BOOKWORM });
  exec(name, [
    "bash",
    "-c",
    "mkdir -p /srv/app && echo 'ledger 2019' > /srv/app/ledger.txt && useradd -u 1700 dora && chown dora /srv/app/ledger.txt",
  ]);
  const started = await request.post(`/api/engines/local/containers/${name}/archives`, { data: { name: "bundle e2e" } });
  expect(started.status()).toBe(202);
  const { jobId, archiveId } = (await started.json()) as { jobId: string; archiveId: string };
  expect((await waitJob((pathname) => request.get(pathname), jobId)).state).toBe("succeeded");
  const exported = await request.get(`/api/archives/${archiveId}/bundle`);
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-type"]).toBe("application/gzip");
  expect(exported.headers()["content-disposition"]).toContain("kura-bundle-e2e.tar.gz");
  bundle = await exported.body();
  await fresh.start();
});

test.afterAll(() => {
  fresh.dispose();
  removeContainer(name);
});

test("hostile bundles are refused with a clear message and nothing is written", async () => {
  const before = fresh.storeFiles();
  const cases: [string, Buffer, RegExp][] = [
    ["path traversal", await tarOf([{ name: "payload/../../etc/cron.d/evil", content: "x" }]), /leaves the bundle|traversal/i],
    ["absolute link", await tarOf([{ name: "payload/etc/evil", type: "symlink", linkname: "/etc/shadow" }]), /link/i],
    ["device node", await tarOf([{ name: "payload/dev/evil", type: "character-device" }]), /device/i],
    ["not a bundle", Buffer.from("just some text, not gzip"), /not a Kura bundle/i],
  ];
  for (const [label, body, message] of cases) {
    const response = await fresh.fetch(`/api/archives/import`, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": "application/gzip" },
    });
    expect(response.status, label).toBe(422);
    const error = ((await response.json()) as { error: { message: string } }).error;
    expect(error.message, label).toMatch(message);
    expect(error.message, label).not.toMatch(/\n\s+at /); // no stack
  }
  expect(fresh.storeFiles()).toEqual(before);
  const archives = (await (await fresh.fetch(`/api/archives`)).json()) as unknown[];
  expect(archives).toEqual([]);
});

test("an exported bundle imports into a fresh Kura, complete, and verifies", async ({ page }) => {
  const response = await fresh.fetch(`/api/archives/import`, {
    method: "POST",
    body: new Uint8Array(bundle),
    headers: { "content-type": "application/gzip" },
  });
  expect(response.status).toBe(201);
  const archive = (await response.json()) as { id: string; state: string; name: string; files: number };
  expect(archive).toMatchObject({ state: "complete", name: "bundle e2e" });
  expect(archive.files).toBeGreaterThan(0);
  const verify = (await (await fresh.fetch(`/api/archives/${archive.id}/verify`, { method: "POST" })).json()) as { jobId: string };
  const job = await waitJob((pathname) => fresh.fetch(pathname), verify.jobId);
  expect(job.state).toBe("succeeded");
  expect(job.result).toMatchObject({ corrupt: [] });

  // The fresh Kura shows it like any other archive, with the file and its owner.
  const signedIn = await page.request.post(`${fresh.base}/api/auth/sign-in`, {
    data: { name: process.env.KURA_ADMIN_NAME ?? "admin", password: process.env.KURA_ADMIN_PASSWORD },
  });
  expect(signedIn.status()).toBe(200);
  await page.goto(`${fresh.base}/archives/${archive.id}`);
  await expect(page.getByTestId("archive-verified")).toContainText("ok");
  await expect(page.locator('[data-testid=archive-file][data-path="/srv/app/ledger.txt"]')).toContainText("dora");
  const again = await fresh.fetch(`/api/archives/import`, { method: "POST", body: new Uint8Array(bundle) });
  expect(again.status).toBe(409);
});
