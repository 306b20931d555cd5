import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreVerified } from "@/e2e/support/restore-verified";
import { BOOKWORM, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { startArchive } from "@/lib/archives/archive-container";
import { deleteArchive } from "@/lib/archives/delete-archive";
import { startVerify } from "@/lib/archives/verify-archive";
import { exportBundle } from "@/lib/bundles/export-bundle";
import { readBundle } from "@/lib/bundles/read-bundle";
import { waitForJob } from "@/lib/jobs/job-runner";
import { createBlobStore } from "@/lib/store/blob-store";
import { createChunkedBlobStore } from "@/lib/store/chunked/create-chunked-blob-store";
import { store } from "@/lib/store/store";
import { env } from "@/lib/env";

// Issue 16: a large file archived again after a small change in place adds a few percent of it, not all of it.
// Real engine, real store with its default 8 MiB chunking threshold (the folder, or Ceph RGW: one test file each,
// since the store is chosen when lib/env.ts is read), real SQLite.

const MIB = 1024 * 1024;
const container = uniqueName("kura-it-chunks");
const restored = uniqueName("kura-it-chunks-restored");
const work = mkdtempSync(path.join(tmpdir(), "kura-it-chunks-"));
const FILE = "/var/lib/exampledb/ibdata1";
const SIZE = 64 * MIB;
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function readContent(id: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of store.open(id)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function archive(label: string) {
  const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: container, name: label, actor: "tester" });
  const job = await waitForJob(jobId, 300_000);
  expect(job.error).toBeNull();
  const manifest = await readManifest(archiveId);
  const entry = manifest?.entries.find((item) => item.path === FILE);
  if (!entry?.sha256) throw new Error(`${FILE} is not in the archive`);
  return { archiveId, summary: await getArchiveSummary(archiveId), contentId: entry.sha256 };
}

/** The tests, run by archive-in-chunks.int.test.ts (folder store) and archive-in-chunks-on-ceph.int.test.ts. */
export function describeArchiveInChunks(where: string) {
  describe(`archiving a large file again after 1% of it changed in place (${where})`, () => {
    let second = "";

    beforeAll(() => {
      runContainer({ name: container, image: BOOKWORM });
      exec(container, ["bash", "-c", `set -e; mkdir -p /var/lib/exampledb; head -c ${SIZE} /dev/urandom > ${FILE}`]);
    });
    afterAll(() => {
      removeContainer(container);
      removeContainer(restored);
      rmSync(work, { recursive: true, force: true });
    });

    it("stores only the changed chunks the second time, and both versions read back exactly", async () => {
      expect(env.KURA_CHUNK_THRESHOLD_BYTES).toBeLessThan(SIZE);
      const first = await archive("chunks 1");
      // Random bytes do not compress: the first archive stores the whole file.
      expect(first.summary.storedBytes).toBeGreaterThan(SIZE * 0.99);

      // 1% of the file rewritten in place, in 4 places (what a database does to its pages), with dd conv=notrunc.
      const stretch = Math.floor(SIZE / 100 / 4 / 4096);
      const writes = [0, 1, 2, 3].map((i) => Math.floor(((i + 0.5) * SIZE) / 4 / 4096));
      exec(container, [
        "bash",
        "-c",
        writes.map((seek) => `dd if=/dev/urandom of=${FILE} bs=4096 count=${stretch} seek=${seek} conv=notrunc status=none`).join(" && "),
      ]);
      const inContainer = exec(container, ["sha256sum", FILE]).split(" ")[0]!;
      const next = await archive("chunks 2");
      second = next.archiveId;
      expect(next.contentId).toBe(inContainer);
      expect(next.contentId).not.toBe(first.contentId);
      const share = next.summary.storedBytes / SIZE;
      process.stdout.write(
        `[chunks] first archive stored ${first.summary.storedBytes} bytes, the second ${next.summary.storedBytes} (${(share * 100).toFixed(2)}% of the ${SIZE}-byte file)\n`,
      );
      // Each edit rewrites the ~128 KiB chunks it touches: ~4-5% here (4 x 164 KiB edits), against 100% without chunks.
      expect(share).toBeLessThan(0.08);
      expect(sha(await readContent(next.contentId))).toBe(inContainer);
      expect(sha(await readContent(first.contentId))).toBe(first.contentId);

      const verified = await waitForJob((await startVerify(second, "tester")).jobId, 300_000);
      expect(verified.result).toMatchObject({ corrupt: [] });

      // Deleting the first archive frees its old versions of the changed chunks only; the second still verifies.
      const deleted = await deleteArchive(first.archiveId, "tester");
      expect(deleted.freedBytes).toBeGreaterThan(0);
      expect(deleted.freedBytes).toBeLessThan(SIZE * 0.08);
      expect(await store.has(first.contentId)).toBe(false);
      const again = await waitForJob((await startVerify(second, "tester")).jobId, 300_000);
      expect(again.result).toMatchObject({ corrupt: [] });
    }, 600_000);

    it("restores the second archive: the file comes back with its hash", async () => {
      await restoreVerified(second, restored);
      const original = exec(container, ["sha256sum", FILE]).split(" ")[0];
      expect(exec(restored, ["sha256sum", FILE]).split(" ")[0]).toBe(original);
    }, 900_000);

    it("exports the second archive as a bundle (the file read from its chunks) that imports into another chunked store", async () => {
      const { stream } = await exportBundle(second, { actor: "tester" });
      const elsewhere = path.join(work, "other-store");
      const other = createChunkedBlobStore(createBlobStore(elsewhere), createBlobStore(path.join(elsewhere, "chunks")), {
        thresholdBytes: 8 * MIB,
      });
      const imported = await readBundle(stream, other);
      const entry = imported.manifest.entries.find((item) => item.path === FILE);
      expect(entry?.sha256).toBeTruthy();
      expect(await other.verify(entry!.sha256!)).toEqual({ ok: true, actual: entry!.sha256 });
      expect(await other.stat(entry!.sha256!)).toMatchObject({ storedBytes: expect.any(Number) });
      expect((await other.stat(entry!.sha256!))!.storedBytes).toBeGreaterThan(SIZE * 0.99);
    }, 600_000);
  });
}
