import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { restoreVerified } from "@/e2e/support/restore-verified";

// KURA_STORE must name the bucket before lib/env.ts is read (this file runs in a process of its own).
const bucket = vi.hoisted(() => {
  const name = `kura-archive-it-${Date.now().toString(36)}`;
  process.env.KURA_STORE = `s3://${name}/site-a`;
  // Without the cluster's variables beforeAll fails with cephSettings()'s message (assigning undefined would write "undefined").
  const fromCeph = {
    AWS_ENDPOINT_URL_S3: process.env.KURA_TEST_S3_ENDPOINT,
    AWS_ACCESS_KEY_ID: process.env.KURA_TEST_S3_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: process.env.KURA_TEST_S3_SECRET_KEY,
    AWS_REGION: process.env.KURA_TEST_S3_REGION ?? "us-east-1",
  };
  for (const [variable, value] of Object.entries(fromCeph)) if (value) process.env[variable] = value;
  // The 24 MiB file stays one whole blob here (multipart upload, then a copy); archives of large files in chunks are
  // lib/store/chunked/archive-in-chunks.int.test.ts's.
  process.env.KURA_CHUNK_THRESHOLD_BYTES = String(64 * 1024 * 1024);
  return name;
});

import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { cephSettings, s3ClientConfig, testS3Client } from "@/e2e/support/s3";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { db } from "@/lib/db";
import { startArchive } from "@/lib/archives/archive-container";
import { deleteArchive } from "@/lib/archives/delete-archive";
import { startVerify } from "@/lib/archives/verify-archive";
import { exportBundle } from "@/lib/bundles/export-bundle";
import { readBundle } from "@/lib/bundles/read-bundle";
import { waitForJob } from "@/lib/jobs/job-runner";
import { createS3BlobStore } from "./s3/create-s3-blob-store";
import { store } from "./store";

// The whole life of an archive with the content store on Ceph RGW (KURA_STORE=s3://…, real cluster, real engine,
// real SQLite): archive, verify, a second archive sharing the content, delete (frees only what is not shared),
// bundle export and import, restore, and a flipped byte in the bucket found by verify.

const container = uniqueName("kura-it-ceph-src");
const restored = uniqueName("kura-it-ceph-restored");
const work = mkdtempSync(path.join(tmpdir(), "kura-it-ceph-"));
const BIG = randomBytes(24 * 1024 * 1024); // over the store's 16 MiB single put: a multipart upload, then a copy
const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

const SETUP = [
  "set -e",
  "useradd -u 1700 -m -s /bin/bash dora",
  "mkdir -p /srv/ledger",
  "printf 'accounts receivable: 1234 EUR\\n' > /srv/ledger/books.txt",
  "printf 'dora private notes' > /home/dora/notes.txt && chown dora:dora /home/dora/notes.txt && chmod 600 /home/dora/notes.txt",
].join("\n");

const keysUnder = async (prefix: string) => {
  const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((item) => item.Key!);
};
// The same bucket prefix as the dashboard's store, opened as another dashboard would: where each content's bytes are
// (small ones in packs, large ones as objects of their own: s3/packs.ts).
const looking = createS3BlobStore({ bucket, prefix: "site-a/", root: path.join(work, "looking"), client: s3ClientConfig() });
const storedBytesOf = async (id: string) => {
  const where = (await looking.whereStored(id)) ?? expect.fail(`${id} is not in the bucket`);
  const range = `bytes=${where.offset}-${where.offset + where.length - 1}`;
  const answer = await testS3Client().send(new GetObjectCommand({ Bucket: bucket, Key: where.key, Range: range }));
  return { where, bytes: Buffer.from(await answer.Body!.transformToByteArray()) };
};

describe("an archive's life with the store on Ceph RGW", () => {
  let firstId = "";
  let secondId = "";

  beforeAll(() => {
    cephSettings(); // fails clearly when the cluster is missing
    runContainer({ name: container, image: BOOKWORM });
    exec(container, ["bash", "-c", SETUP]);
    const file = path.join(work, "big.bin");
    writeFileSync(file, BIG);
    docker(["cp", file, `${container}:/srv/ledger/big.bin`]);
  });

  afterAll(() => {
    removeContainer(container);
    removeContainer(restored);
    rmSync(work, { recursive: true, force: true });
  });

  it("archives into the bucket: every blob and the manifest are objects, listed complete only with its manifest", async () => {
    expect(store.location).toContain(`s3://${bucket}/site-a/`);
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: container, name: "ceph it", actor: "tester" });
    const job = await waitForJob(jobId, 300_000);
    expect(job.error).toBeNull();
    firstId = archiveId;
    const summary = await getArchiveSummary(archiveId);
    expect(summary.state).toBe("complete");
    const manifest = await readManifest(archiveId);
    const big = manifest?.entries.find((entry) => entry.path === "/srv/ledger/big.bin");
    expect(big).toMatchObject({ sha256: sha(BIG), size: BIG.length });
    const keys = await keysUnder("site-a/");
    const row = await db.archive.findUniqueOrThrow({ where: { id: archiveId } });
    const stored = await looking.storedNames();
    expect(stored).toContain(`${row.manifestSha!.slice(0, 2)}/${row.manifestSha}.gz`);
    for (const entry of manifest!.entries) if (entry.sha256) expect(stored).toContain(`${entry.sha256.slice(0, 2)}/${entry.sha256}.gz`);
    // Blobs, packs of small contents with their indexes, and nothing else: no tmp/ leftovers.
    expect(keys.filter((key) => !/^site-a\/(blobs|packs|index)\/|^site-a\/layout\.json$/.test(key))).toEqual([]);
    expect(keys.filter((key) => key.startsWith("site-a/packs/")).length).toBeLessThan(stored.length);
    // The bytes in the bucket are the files', gzip-wrapped: the big one an object of its own, a small one in a pack.
    const whole = await storedBytesOf(sha(BIG));
    expect(whole.where.key).toBe(`site-a/blobs/${sha(BIG).slice(0, 2)}/${sha(BIG)}.gz`);
    expect(sha(gunzipSync(whole.bytes))).toBe(sha(BIG));
    const books = await storedBytesOf(sha("accounts receivable: 1234 EUR\n"));
    expect(books.where.key).toMatch(/^site-a\/packs\//);
    expect(gunzipSync(books.bytes).toString()).toBe("accounts receivable: 1234 EUR\n");
  }, 320_000);

  it("verify re-reads every blob from the bucket", async () => {
    const { jobId } = await startVerify(firstId, "tester");
    const job = await waitForJob(jobId, 120_000);
    expect(job.result).toMatchObject({ corrupt: [] });
    expect((job.result as { blobsChecked: number }).blobsChecked).toBeGreaterThan(3);
  });

  it("a second archive shares the content; deleting the first frees only what the second does not name", async () => {
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: container, name: "ceph it 2", actor: "tester" });
    expect((await waitForJob(jobId, 300_000)).error).toBeNull();
    secondId = archiveId;
    const second = await getArchiveSummary(archiveId);
    expect(second.storedBytes).toBeLessThan(1024 * 1024); // the 24 MiB file was already there
    const deleted = await deleteArchive(firstId, "tester");
    expect(deleted.blobsRemoved).toBe(1); // its manifest only
    expect(await store.has(sha(BIG))).toBe(true);
    const { jobId: verifyJob } = await startVerify(secondId, "tester");
    expect((await waitForJob(verifyJob, 120_000)).result).toMatchObject({ corrupt: [] });
  }, 320_000);

  it("exports a bundle from the bucket, and imports it into another prefix where every blob verifies", async () => {
    const bundleFile = path.join(work, "bundle.tar.gz");
    const { stream } = await exportBundle(secondId, { actor: "tester" });
    await pipeline(stream, createWriteStream(bundleFile));
    const other = createS3BlobStore({ bucket, prefix: "site-b/", root: path.join(work, "spool"), client: s3ClientConfig() });
    const imported = await readBundle(createReadStream(bundleFile), other);
    expect(await other.verify(imported.manifestSha)).toMatchObject({ ok: true });
    for (const entry of imported.manifest.entries) if (entry.sha256) expect(await other.verify(entry.sha256)).toMatchObject({ ok: true });
    expect(await other.has(sha(BIG))).toBe(true);
  }, 320_000);

  it("restores from the bucket: the files come back with their hashes, owners and modes", async () => {
    await restoreVerified(secondId, restored);
    expect(exec(restored, ["sha256sum", "/srv/ledger/big.bin"]).split(" ")[0]).toBe(sha(BIG));
    expect(exec(restored, ["stat", "-c", "%U %a", "/home/dora/notes.txt"])).toBe("dora 600");
  }, 900_000);

  it("a byte flipped in the bucket is found by verify, and the blob is moved aside", async () => {
    // The pack holding the file, written back with one byte of that file's bytes flipped.
    const { where } = await storedBytesOf(sha("accounts receivable: 1234 EUR\n"));
    const answer = await testS3Client().send(new GetObjectCommand({ Bucket: bucket, Key: where.key }));
    const bytes = Buffer.from(await answer.Body!.transformToByteArray());
    const middle = where.offset + Math.floor(where.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x20;
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: where.key, Body: bytes }));
    const { jobId } = await startVerify(secondId, "tester");
    const job = await waitForJob(jobId, 120_000);
    expect(job.result).toMatchObject({
      corrupt: [{ sha256: sha("accounts receivable: 1234 EUR\n"), paths: ["/srv/ledger/books.txt"], quarantined: true }],
    });
    expect(await keysUnder("site-a/damaged/")).toHaveLength(1);
    expect((await getArchiveSummary(secondId)).verifyState).toBe("corrupt");
  }, 120_000);
});
