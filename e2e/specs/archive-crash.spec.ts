import { expect, test } from "../fixtures/test";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "../fixtures/containers";
import { secondServer } from "../fixtures/second-server";

// kill -9 of the dashboard in the middle of an archive: a second dashboard on its own data
// directory and database is started, killed while it is writing a blob, and started again. The
// archive must not look complete, the job must be failed, and the store's temporary files must be gone. The large file
// is stored in chunks (issue 16): the kill lands after some chunks are durable and before the recipe that would name
// them, so no recipe may exist after it (the content is not in the store), and the chunks already written stay, unnamed.
const server = secondServer(3107);
const name = uniqueName("kura-e2e-crash");
const tmpFiles = () => [...server.storeFiles("tmp"), ...server.storeFiles("chunks/tmp")];
const chunkFiles = () => server.storeFiles("chunks/blobs");

test.beforeAll(() => {
  runContainer({ name, image: BOOKWORM });
  // One large incompressible file: the archive spends seconds writing its blob.
  exec(name, ["bash", "-c", "mkdir -p /srv/app && head -c 600000000 /dev/urandom > /srv/app/big.bin && echo hello > /srv/app/hello.txt"]);
});

test.afterAll(() => {
  server.dispose();
  removeContainer(name);
});

test("a dashboard killed with -9 mid-archive leaves no complete archive, and the next start cleans up", async () => {
  test.setTimeout(240_000);
  await server.start();
  const started = await server.fetch(`/api/engines/local/containers/${name}/archives`, {
    method: "POST",
    body: JSON.stringify({ name: "crash test" }),
  });
  expect(started.status).toBe(202);
  const { jobId, archiveId } = (await started.json()) as { jobId: string; archiveId: string };

  // Wait until bytes are being written, then kill the server without warning.
  await expect
    .poll(
      async () => {
        const job = (await (await server.fetch(`/api/jobs/${jobId}`)).json()) as { state: string; progress: { done: number } };
        expect(job.state).toBe("running");
        return job.progress.done;
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBeGreaterThan(50_000_000);
  expect(chunkFiles().length).toBeGreaterThan(0); // the large file is being written, chunk by chunk
  server.kill();
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(server.storeFiles("recipes")).toEqual([]); // the half-written content is named by nothing

  await server.start();
  const archive = (await (await server.fetch(`/api/archives/${archiveId}`)).json()) as { state: string; error: string; manifest: unknown };
  expect(archive.state).toBe("failed");
  expect(archive.error).toContain("Interrupted");
  expect(archive.manifest).toBeNull();
  const job = (await (await server.fetch(`/api/jobs/${jobId}`)).json()) as { state: string; error: string };
  expect(job.state).toBe("failed");
  expect(tmpFiles()).toEqual([]);
  expect(server.storeFiles("recipes")).toEqual([]);
  const list = (await (await server.fetch(`/api/archives`)).json()) as { state: string }[];
  expect(list.filter((item) => item.state === "complete")).toEqual([]);
});
