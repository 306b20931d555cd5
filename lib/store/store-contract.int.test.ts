import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapLimit } from "@/lib/concurrency/map-limit";
import { errorToResponse } from "@/lib/api/errors";
import { createBlobStore, type BlobStore } from "./blob-store";
import { createS3BlobStore, type S3BlobStore } from "./s3/create-s3-blob-store";
import { createChunkedBlobStore } from "./chunked/create-chunked-blob-store";
import type { MetaStore } from "./meta-store";
import { listFiles, readAll } from "@/e2e/support/test-files";
import { cephSettings, createCephUser, radosgwAdmin, s3ClientConfig, testS3Client, uniqueBucket } from "@/e2e/support/s3";

// The store's contract, one test body run against both backends: the filesystem store and the S3 store on a real
// Ceph cluster (radosgw, started by e2e/harness/ceph.mjs). What each backend differs in (how to look at what it
// holds, how to damage a blob, how to fill it up) is in its Backend. Each backend runs twice: unencrypted, and
// encrypted under a key file (KURA_STORE_KEY_FILE), where the same contract holds and nothing stored is readable.

const MIB = 1024 * 1024;
const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const keyDir = path.join(os.tmpdir(), `kura-contract-keys-${randomBytes(4).toString("hex")}`);
/** A key file of its own (a passphrase), made on first use; "" for an unencrypted store. */
async function keyFileFor(encrypted: boolean, name = "store.key", secret = "contract passphrase 4b1c"): Promise<string | undefined> {
  if (!encrypted) return undefined;
  await mkdir(keyDir, { recursive: true });
  const file = path.join(keyDir, name);
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return file;
}
/** The blob's name as the backend lists it (below blobs/). */
const listedName = async (store: BlobStore, id: string) => (await store.objectName(id)).slice("blobs/".length);

/** Streams `bytes` in chunks, as a file read would. */
function chunked(bytes: Buffer, chunkSize = 256 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      this.push(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

type Backend = {
  name: string;
  /** Made with KURA_STORE_KEY_FILE (issue 16): content sealed, names keyed. */
  encrypted: boolean;
  /** A fresh, empty store. */
  create(): Promise<BlobStore>;
  /** Another store object on the same folder or bucket prefix (another process, a restart), with `keyFile`. */
  reopen(store: BlobStore, keyFile: string | undefined): BlobStore;
  /** The names of the blobs the store lists (complete blobs). */
  listBlobs(store: BlobStore): Promise<string[]>;
  /** What is left of writes in progress or interrupted (temporary files, tmp/ objects, unfinished multipart uploads). */
  listLeftovers(store: BlobStore): Promise<string[]>;
  /** What a killed process leaves behind mid-write. */
  leaveKilledWrite(store: BlobStore): Promise<void>;
  readStored(store: BlobStore, sha256: string): Promise<Buffer>;
  writeStored(store: BlobStore, sha256: string, bytes: Buffer): Promise<void>;
  /** A store with room for about 1 MiB (a tmpfs, a Ceph user quota), or null when this machine cannot make one. */
  createFull(): Promise<{ store: BlobStore; done(): Promise<void> } | null>;
  /** Whether concurrent writers of one LARGE content learn exactly one of them created it (see the README). */
  exactLargeCreate: boolean;
  cleanUp(): Promise<void>;
};

function filesystemBackend(encrypted: boolean): Backend {
  let dir = "";
  const roots = new Map<BlobStore, string>();
  return {
    name: encrypted ? "filesystem, encrypted" : "filesystem",
    encrypted,
    async create() {
      dir ||= await mkdtemp(path.join(os.tmpdir(), "kura-store-contract-"));
      const store = createBlobStore(path.join(dir, randomBytes(4).toString("hex")), { keyFile: await keyFileFor(encrypted) });
      roots.set(store, store.root);
      return store;
    },
    reopen: (store, keyFile) => createBlobStore(store.root, { keyFile }),
    listBlobs: (store) => listFiles(path.join(store.root, "blobs")),
    listLeftovers: (store) => listFiles(path.join(store.root, "tmp")),
    async leaveKilledWrite(store) {
      await mkdir(path.join(store.root, "tmp"), { recursive: true });
      await writeFile(path.join(store.root, "tmp", "0b4f7c1e-killed-writer"), randomBytes(1000));
    },
    readStored: async (store, id) => readFile(path.join(store.root, await store.objectName(id))),
    writeStored: async (store, id, bytes) => writeFile(path.join(store.root, await store.objectName(id)), bytes),
    async createFull() {
      // What blob-store.test.ts does: a real full disk, a 1 MiB tmpfs (needs root with the mount capability).
      const mountPoint = path.join(os.tmpdir(), `kura-store-full-${randomBytes(4).toString("hex")}`);
      await mkdir(mountPoint);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], { stdio: "ignore" });
      } catch {
        await rm(mountPoint, { recursive: true, force: true });
        return null;
      }
      return {
        store: createBlobStore(path.join(mountPoint, "store"), { keyFile: await keyFileFor(encrypted) }),
        async done() {
          execFileSync("umount", [mountPoint], { stdio: "ignore" });
          await rm(mountPoint, { recursive: true, force: true });
        },
      };
    },
    exactLargeCreate: true,
    async cleanUp() {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function s3Backend(encrypted: boolean): Backend {
  const bucket = uniqueBucket("kura-contract");
  let spool = "";
  // Where each store keeps its keys, and a client that may read them (the quota store's bucket is its own user's).
  const places = new Map<BlobStore, { bucket: string; prefix: string; client: S3Client }>();
  const place = (store: BlobStore) => places.get(store) ?? expect.fail("a store this backend did not make");
  const keysUnder = async (store: BlobStore, under: string) => {
    const { bucket: name, prefix, client } = place(store);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: `${prefix}${under}` }));
    return (listed.Contents ?? []).map((item) => item.Key!.slice(`${prefix}${under}`.length)).sort();
  };
  // Small contents are packed (s3/packs.ts): where a content's bytes are is a range of a pack, or an object of its own.
  const whereStored = async (store: BlobStore, id: string) =>
    (await (store as S3BlobStore).whereStored(id)) ?? expect.fail(`${id} is not stored`);
  return {
    name: encrypted ? "S3 (Ceph RGW), encrypted" : "S3 (Ceph RGW)",
    encrypted,
    async create() {
      spool ||= await mkdtemp(path.join(os.tmpdir(), "kura-store-contract-s3-"));
      const prefix = `t-${randomBytes(4).toString("hex")}/`;
      // Small thresholds, so that a 20 MiB content goes the multipart way and a 12 MiB abort is mid-upload.
      const store = createS3BlobStore({
        bucket,
        prefix: prefix,
        root: spool,
        client: s3ClientConfig(),
        singlePutBytes: 6 * MIB,
        partBytes: 5 * MIB,
        keyFile: await keyFileFor(encrypted),
      });
      places.set(store, { bucket, prefix, client: testS3Client() });
      return store;
    },
    reopen(store, keyFile) {
      const reopened = createS3BlobStore({
        bucket: place(store).bucket,
        prefix: place(store).prefix,
        root: spool,
        client: s3ClientConfig(),
        keyFile,
      });
      places.set(reopened, place(store));
      return reopened;
    },
    listBlobs: (store) => (store as S3BlobStore).storedNames(),
    async listLeftovers(store) {
      const { bucket: name, prefix, client } = place(store);
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: name, Prefix: prefix }));
      const pending = (uploads.Uploads ?? []).map((upload) => `multipart upload of ${upload.Key}`);
      // A pack no index names is what a writer killed between the two leaves.
      const indexed = (await keysUnder(store, "index/")).map((name) => name.slice(14, 46));
      const orphans = (await keysUnder(store, "packs/")).filter((id) => !indexed.includes(id)).map((id) => `pack ${id} without index`);
      return [...(await keysUnder(store, "tmp/")), ...pending, ...orphans];
    },
    async leaveKilledWrite(store) {
      // A process killed mid-upload: a multipart upload to tmp/ with a part, never completed nor aborted.
      const { bucket: name, prefix, client } = place(store);
      const key = `${prefix}tmp/killed-writer`;
      const started = await client.send(new CreateMultipartUploadCommand({ Bucket: name, Key: key }));
      await client.send(
        new UploadPartCommand({ Bucket: name, Key: key, UploadId: started.UploadId, PartNumber: 1, Body: randomBytes(1000) }),
      );
    },
    async readStored(store, id) {
      const { key, offset, length } = await whereStored(store, id);
      const range = `bytes=${offset}-${offset + length - 1}`;
      const answer = await place(store).client.send(new GetObjectCommand({ Bucket: place(store).bucket, Key: key, Range: range }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    },
    async writeStored(store, id, bytes) {
      // The whole object written back with these bytes in the content's place (a pack's other contents unchanged).
      const { key, offset } = await whereStored(store, id);
      const answer = await place(store).client.send(new GetObjectCommand({ Bucket: place(store).bucket, Key: key }));
      const whole = Buffer.from(await answer.Body!.transformToByteArray());
      bytes.copy(whole, offset);
      await place(store).client.send(new PutObjectCommand({ Bucket: place(store).bucket, Key: key, Body: whole }));
    },
    async createFull() {
      // A user of its own with a 1 MiB user quota, set with radosgw-admin.
      const uid = `kura-quota-${randomBytes(3).toString("hex")}`;
      const keys = createCephUser(uid);
      radosgwAdmin(["quota", "set", "--quota-scope=user", `--uid=${uid}`, "--max-size=1048576"]);
      radosgwAdmin(["quota", "enable", "--quota-scope=user", `--uid=${uid}`]);
      const quotaBucket = uniqueBucket("kura-quota");
      const config = s3ClientConfig(cephSettings(), keys);
      const store = createS3BlobStore({
        bucket: quotaBucket,
        prefix: "",
        root: spool,
        client: config,
        singlePutBytes: 6 * MIB,
        partBytes: 5 * MIB,
        keyFile: await keyFileFor(encrypted),
      });
      places.set(store, { bucket: quotaBucket, prefix: "", client: new S3Client(config) });
      // Something small fits (and makes the bucket), so the refusal below is the quota's, not a missing bucket's.
      await store.put(Buffer.from("fits in the quota"));
      return {
        store,
        async done() {
          radosgwAdmin(["user", "rm", `--uid=${uid}`, "--purge-data"]);
        },
      };
    },
    // Ceph 18 honours If-None-Match on PutObject only, not on CopyObject: the copy of a large content is HEAD-then-copy.
    exactLargeCreate: false,
    async cleanUp() {
      if (spool) await rm(spool, { recursive: true, force: true });
    },
  };
}

describe.each([filesystemBackend(false), s3Backend(false), filesystemBackend(true), s3Backend(true)])(
  "the content store on $name",
  (backend) => {
    let store: BlobStore;
    beforeAll(async () => {
      store = await backend.create();
    });
    afterAll(async () => {
      await backend.cleanUp();
      await rm(keyDir, { recursive: true, force: true });
    });

    it("says whether it is encrypted; encrypted, it holds no plaintext, no plaintext name, and refuses another key", async () => {
      expect(await store.encryption()).toBe(backend.encrypted ? "encrypted" : "unencrypted");
      const marker = `contract-marker-${randomBytes(6).toString("hex")}`;
      const small = Buffer.from(`${marker}\n`);
      const large = Buffer.concat([Buffer.from(marker), randomBytes(9 * MIB), Buffer.from(marker)]); // multipart on S3
      await store.put(Buffer.from(small));
      await store.put(chunked(large));
      const names = await backend.listBlobs(store);
      expect(names).toContain(await listedName(store, sha(small)));
      expect(names).toContain(await listedName(store, sha(large)));
      const storedBytes = await Promise.all([sha(small), sha(large)].map((id) => backend.readStored(store, id)));
      const holdsMarker = storedBytes.some((bytes) => bytes.includes(marker));
      if (!backend.encrypted) {
        // What encryption changes: unencrypted, the names are the SHA-256s and the bytes are only gzip-wrapped.
        expect(names).toContain(`${sha(small).slice(0, 2)}/${sha(small)}.gz`);
        expect(holdsMarker).toBe(true);
        return;
      }
      for (const id of [sha(small), sha(large)]) expect(names.join("\n")).not.toContain(id);
      expect(holdsMarker).toBe(false);
      expect(sha(await readAll(store.open(sha(large))))).toBe(sha(large));
      // The same key file from another process reads it; another key or none is refused with a sentence, not a stack.
      const again = backend.reopen(store, await keyFileFor(true));
      expect(await readAll(again.open(sha(small)))).toEqual(small);
      for (const [other, code] of [
        [backend.reopen(store, await keyFileFor(true, "other.key", "another passphrase entirely")), "store_key_wrong"],
        [backend.reopen(store, undefined), "store_key_required"],
      ] as const) {
        const failure = await other.has(sha(small)).then(
          () => expect.fail("opened with the wrong key"),
          (error: unknown) => error,
        );
        const response = errorToResponse(failure);
        expect(response.status).toBe(503);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe(code);
        expect(body.error.message).toMatch(/KURA_STORE_KEY_FILE/);
        expect(body.error.message).not.toMatch(/\n\s+at /);
      }
    });

    it("puts, gets, has and deletes content, named by its SHA-256", async () => {
      const text = Buffer.from(`customer records ${randomBytes(8).toString("hex")}\n`);
      const put = await store.put(Readable.from([text]));
      expect(put).toMatchObject({ sha256: sha(text), size: text.length, isNew: true });
      expect(put.storedBytes).toBeGreaterThan(0);
      expect(await store.has(sha(text))).toBe(true);
      expect(await store.stat(sha(text))).toEqual({ storedBytes: put.storedBytes });
      expect(await readAll(store.open(sha(text)))).toEqual(text);
      // The same content again is not stored again; bytes in memory take the same name.
      expect(await store.put(Buffer.from(text))).toMatchObject({ sha256: sha(text), isNew: false, storedBytes: put.storedBytes });
      expect(await backend.listBlobs(store)).toContain(await listedName(store, sha(text)));
      expect(await store.remove(sha(text))).toBe(put.storedBytes);
      expect(await store.has(sha(text))).toBe(false);
      expect(await store.stat(sha(text))).toBeNull();
      expect(await store.remove(sha(text))).toBe(0);
      await expect(readAll(store.open(sha(text)))).rejects.toMatchObject({ status: 404, code: "blob_not_found" });
    });

    it("streams 20 MiB of random bytes (multipart on S3) and gives them back exactly; putFile reads a file whole", async () => {
      const big = randomBytes(20 * MIB);
      let counted = 0;
      const put = await store.put(chunked(big), { onBytes: (n) => (counted += n) });
      expect(put).toMatchObject({ sha256: sha(big), size: big.length, isNew: true });
      expect(counted).toBe(big.length);
      expect(sha(await readAll(store.open(put.sha256)))).toBe(sha(big));
      expect(await backend.listLeftovers(store)).toEqual([]);
      const file = path.join(os.tmpdir(), `kura-contract-file-${randomBytes(4).toString("hex")}`);
      await writeFile(file, "a file of this machine\n");
      try {
        expect(await store.putFile(file, { maxBytes: 1024 })).toMatchObject({ sha256: sha("a file of this machine\n"), isNew: true });
      } finally {
        await rm(file, { force: true });
      }
      expect((await readAll(store.open(sha("a file of this machine\n")))).toString()).toBe("a file of this machine\n");
      expect(await store.totalStoredBytes()).toBeGreaterThanOrEqual(put.storedBytes);
    });

    it("a writer killed mid-stream leaves nothing listed, and cleanTemporary removes what a killed process left", async () => {
      const before = await backend.listBlobs(store);
      const controller = new AbortController();
      const source = new Readable({ read() {} });
      let pushed = 0;
      // 12 MiB then the abort, while the source still has more to give (on S3 a multipart upload has started).
      const timer = setInterval(() => {
        source.push(randomBytes(MIB));
        if (++pushed === 12) controller.abort();
      }, 20);
      try {
        await expect(store.put(source, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
      } finally {
        clearInterval(timer);
      }
      expect(await backend.listBlobs(store)).toEqual(before);
      expect(await backend.listLeftovers(store)).toEqual([]);

      await backend.leaveKilledWrite(store);
      expect((await backend.listLeftovers(store)).length).toBe(1);
      expect(await backend.listBlobs(store)).toEqual(before);
      expect(await store.cleanTemporary({ olderThanMs: 0 })).toBeGreaterThanOrEqual(1);
      expect(await backend.listLeftovers(store)).toEqual([]);
    });

    it("concurrent writers of the same content all get its name, it is stored once, and one of them created it", async () => {
      const small = randomBytes(300 * 1024);
      const smallPuts = await Promise.all(Array.from({ length: 6 }, (_, i) => store.put(i % 2 ? Buffer.from(small) : chunked(small))));
      expect(new Set(smallPuts.map((put) => put.sha256))).toEqual(new Set([sha(small)]));
      expect(smallPuts.filter((put) => put.isNew)).toHaveLength(1);

      const large = randomBytes(14 * MIB);
      const largePuts = await Promise.all(Array.from({ length: 4 }, () => store.put(chunked(large))));
      expect(new Set(largePuts.map((put) => put.sha256))).toEqual(new Set([sha(large)]));
      const created = largePuts.filter((put) => put.isNew).length;
      if (backend.exactLargeCreate) expect(created).toBe(1);
      else expect(created).toBeGreaterThanOrEqual(1);
      const listed = await backend.listBlobs(store);
      const [smallName, largeName] = [await listedName(store, sha(small)), await listedName(store, sha(large))];
      expect(listed.filter((name) => name === smallName)).toHaveLength(1);
      expect(listed.filter((name) => name === largeName)).toHaveLength(1);
      expect(sha(await readAll(store.open(sha(large))))).toBe(sha(large));
      expect(await store.verify(sha(large))).toEqual({ ok: true, actual: sha(large) });
      expect(await backend.listLeftovers(store)).toEqual([]);
    });

    it("verify re-reads and re-hashes: a flipped byte is found, quarantined, and the next put stores it afresh", async () => {
      const content = randomBytes(200 * 1024);
      const { sha256 } = await store.put(chunked(content));
      expect(await store.verify(sha256)).toEqual({ ok: true, actual: sha256 });
      const stored = await backend.readStored(store, sha256);
      const middle = Math.floor(stored.length / 2);
      stored[middle] = (stored[middle] ?? 0) ^ 0x01;
      await backend.writeStored(store, sha256, stored);
      const result = await store.verify(sha256);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/damaged|altered/);
      expect(await store.quarantine(sha256)).toBe(true);
      expect(await store.has(sha256)).toBe(false);
      expect(await store.put(Buffer.from(content))).toMatchObject({ sha256, isNew: true });
      expect(await store.verify(sha256)).toEqual({ ok: true, actual: sha256 });
      expect(await store.verify(sha("never stored"))).toMatchObject({ ok: false, actual: null, error: expect.stringContaining("missing") });
    });

    it("a full store (disk or quota) refuses with a clear 507 and keeps no partial blob", async (context) => {
      const full = await backend.createFull();
      if (!full) return context.skip("cannot mount a tmpfs here");
      try {
        const before = await backend.listBlobs(full.store);
        // 4 MiB: one put on S3; 9 MiB: a multipart upload refused part-way.
        for (const length of [4 * MIB, 9 * MIB]) {
          const failure = await full.store.put(chunked(randomBytes(length))).catch((error: unknown) => error);
          expect(failure).toMatchObject({
            status: 507,
            code: expect.stringMatching(/^(disk_full|store_quota_exceeded|store_upload_refused)$/),
          });
          const response = errorToResponse(failure);
          expect(response.status).toBe(507);
          const body = (await response.json()) as { error: { message: string } };
          expect(body.error.message).toMatch(/full|quota/);
          expect(body.error.message).not.toMatch(/\n\s+at /); // no stack
        }
        expect(await backend.listBlobs(full.store)).toEqual(before);
        expect(await backend.listLeftovers(full.store)).toEqual([]);
      } finally {
        await full.done();
      }
    });
  },
);

describe("the S3 store's failures are clear errors, never a 500", () => {
  const spool = path.join(os.tmpdir(), `kura-store-errors-${randomBytes(4).toString("hex")}`);
  afterAll(() => rm(spool, { recursive: true, force: true }));

  const expectMapped = async (attempt: Promise<unknown>, status: number, code: string, message: RegExp) => {
    const failure = await attempt.then(
      () => null,
      (error: unknown) => error,
    );
    const response = errorToResponse(failure);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  };

  it("an endpoint that does not answer is store_unreachable (502)", async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const store = createS3BlobStore({
      bucket: "kura-nowhere",
      prefix: "",
      root: spool,
      client: { ...s3ClientConfig(), endpoint: "http://127.0.0.1:9", maxAttempts: 1 },
    });
    await expectMapped(store.put(Buffer.from("x")), 502, "store_unreachable", /does not answer \(ECONNREFUSED\)/);
    await expectMapped(store.has(sha("x")), 502, "store_unreachable", /127\.0\.0\.1:9/);
  });

  it("wrong credentials are store_access_denied (502)", async () => {
    const store = createS3BlobStore({
      bucket: uniqueBucket("kura-denied"),
      prefix: "",
      root: spool,
      client: s3ClientConfig(cephSettings(), { accessKeyId: cephSettings().accessKeyId, secretAccessKey: "not-the-secret" }),
    });
    await expectMapped(store.put(Buffer.from("x")), 502, "store_access_denied", /refused Kura's credentials/);
  });

  it("a missing bucket that cannot be created is store_bucket_missing (502)", async () => {
    // A user that may not create buckets (max-buckets -1), asked for a bucket that does not exist.
    const uid = `kura-nobucket-${randomBytes(3).toString("hex")}`;
    const keys = createCephUser(uid);
    radosgwAdmin(["user", "modify", `--uid=${uid}`, "--max-buckets=-1"]);
    try {
      const store = createS3BlobStore({
        bucket: uniqueBucket("kura-missing"),
        prefix: "p",
        root: spool,
        client: s3ClientConfig(cephSettings(), keys),
      });
      await expectMapped(store.put(Buffer.from("x")), 502, "store_bucket_missing", /does not exist .* could not create it/);
    } finally {
      radosgwAdmin(["user", "rm", `--uid=${uid}`]);
    }
  });

  it("copies a large content part by part when it is over CopyObject's limit (5 GiB; 1 byte here)", async () => {
    const bucket = uniqueBucket("kura-partcopy");
    const store = createS3BlobStore({
      bucket,
      prefix: "",
      root: spool,
      client: s3ClientConfig(),
      singlePutBytes: 6 * MIB,
      partBytes: 5 * MIB,
      singleCopyBytes: 1,
    });
    const content = randomBytes(14 * MIB);
    const put = await store.put(chunked(content));
    expect(put).toMatchObject({ sha256: sha(content), isNew: true });
    expect(sha(await readAll(store.open(put.sha256)))).toBe(sha(content));
    expect(await store.verify(put.sha256)).toEqual({ ok: true, actual: put.sha256 });
    const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((item) => item.Key)).toEqual([`blobs/${put.sha256.slice(0, 2)}/${put.sha256}.gz`]);
  });

  it("creates the bucket when it is missing", async () => {
    const bucket = uniqueBucket("kura-created");
    const store = createS3BlobStore({ bucket, prefix: "a/b/", root: spool, client: s3ClientConfig() });
    const put = await store.put(Buffer.from("first content"));
    const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
    // A small content goes into a pack, with its index, in a store that says it packs from the start.
    expect((listed.Contents ?? []).map((item) => item.Key!.replace(/[0-9a-f]{32}/, "<id>").replace(/\d{13}/, "<time>"))).toEqual([
      "a/b/index/<time>-<id>.json",
      "a/b/layout.json",
      "a/b/packs/<id>",
    ]);
    expect((await readAll(store.open(put.sha256))).toString()).toBe("first content");
  });
});

// Small contents packed together (s3/packs.ts): what packing changes, and what it must not.
describe("small contents in packs on Ceph RGW", () => {
  const spool = path.join(os.tmpdir(), `kura-store-packs-${randomBytes(4).toString("hex")}`);
  afterAll(() => rm(spool, { recursive: true, force: true }));
  const bucket = uniqueBucket("kura-packs");
  const make = (prefix: string) => createS3BlobStore({ bucket, prefix, root: spool, client: s3ClientConfig() });
  const keysUnder = async (prefix: string) => {
    const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((item) => item.Key!);
  };

  it("300 small contents put at once take a few objects; another dashboard reads every one from the bucket", async () => {
    const store = make("many/");
    const contents = Array.from({ length: 300 }, (_, i) => Buffer.concat([Buffer.from(`file ${i}\n`), randomBytes(20_000)]));
    const puts = await Promise.all(contents.map((content, i) => store.put(i % 2 ? Buffer.from(content) : chunked(content))));
    expect(puts.every((put) => put.isNew)).toBe(true);
    const keys = await keysUnder("many/");
    // Packs are written when full (16 MiB) or when puts pause, so how many depends on timing: far fewer than contents.
    expect(keys.filter((key) => key.startsWith("many/packs/")).length).toBeLessThan(30);
    expect(keys.filter((key) => key.startsWith("many/blobs/"))).toEqual([]);
    const other = make("many/");
    for (const [i, content] of contents.entries()) {
      if (i % 37 !== 0) continue;
      expect(await readAll(other.open(sha(content)))).toEqual(content);
      expect(await other.verify(sha(content))).toEqual({ ok: true, actual: sha(content) });
    }
    expect(await other.put(Buffer.from(contents[5]!))).toMatchObject({ isNew: false });
    expect(await other.totalStoredBytes()).toBe(puts.reduce((sum, put) => sum + put.storedBytes, 0));
  });

  it("a content another dashboard removed is stored afresh, not trusted from memory; an emptied pack is deleted", async () => {
    const a = make("removed/");
    const b = make("removed/");
    const content = Buffer.from(`removed by the other dashboard ${randomBytes(8).toString("hex")}`);
    expect(await a.put(Buffer.from(content))).toMatchObject({ isNew: true });
    expect(await b.has(sha(content))).toBe(true);
    expect(await b.remove(sha(content))).toBeGreaterThan(0);
    expect((await keysUnder("removed/")).filter((key) => !key.endsWith("layout.json"))).toEqual([]);
    expect(await a.has(sha(content))).toBe(false);
    expect(await a.put(Buffer.from(content))).toMatchObject({ isNew: true });
    expect(await readAll(b.open(sha(content)))).toEqual(content);
  });

  it("removing from one pack on two dashboards at once loses neither removal", async () => {
    const a = make("both/");
    const b = make("both/");
    const contents = Array.from({ length: 6 }, (_, i) => Buffer.from(`shared pack ${i} ${randomBytes(8).toString("hex")}`));
    await Promise.all(contents.map((content) => a.put(Buffer.from(content))));
    expect((await keysUnder("both/packs/")).length).toBe(1);
    await b.has(sha(contents[0]!)); // b has the index in memory too
    await Promise.all([a.remove(sha(contents[0]!)), b.remove(sha(contents[1]!)), a.remove(sha(contents[2]!)), b.remove(sha(contents[3]!))]);
    const fresh = make("both/");
    expect(await Promise.all(contents.map((content) => fresh.has(sha(content))))).toEqual([false, false, false, false, true, true]);
  });

  it("removing 120 packed contents 16 at a time gives back each one's bytes once and leaves no pack or index", async () => {
    const store = make("batch/");
    const contents = Array.from({ length: 120 }, (_, i) => Buffer.concat([Buffer.from(`batch ${i}\n`), randomBytes(3_000)]));
    const puts = await Promise.all(contents.map((content) => store.put(Buffer.from(content))));
    const stored = puts.reduce((sum, put) => sum + put.storedBytes, 0);
    // Each content asked for twice at once (as two archives' deletions might): its bytes are counted once.
    const twice = [...contents, ...contents].map((content) => sha(content));
    const freed = await mapLimit(twice, 16, (id) => store.remove(id));
    expect(freed.reduce((sum, bytes) => sum + bytes, 0)).toBe(stored);
    expect((await keysUnder("batch/")).filter((key) => !key.endsWith("layout.json"))).toEqual([]);
    expect(await store.totalStoredBytes()).toBe(0);
    const other = make("batch/");
    expect(await Promise.all(contents.slice(0, 10).map((content) => other.has(sha(content))))).toEqual(Array(10).fill(false));
    expect(await store.remove(sha(contents[0]!))).toBe(0);
  });

  it("a pack less than half named is rewritten: its bytes given back, the rest still read, on another dashboard too", async () => {
    const a = make("repack/");
    const b = make("repack/");
    const contents = Array.from({ length: 10 }, (_, i) => Buffer.concat([Buffer.from(`repack ${i}\n`), randomBytes(30_000)]));
    await Promise.all(contents.map((content) => a.put(Buffer.from(content))));
    const packSize = async () => {
      const listed = await testS3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "repack/packs/" }));
      return (listed.Contents ?? []).map((item) => item.Size ?? 0);
    };
    const [before] = await packSize();
    expect(before).toBeGreaterThan(300_000);
    expect(await b.has(sha(contents[9]!))).toBe(true); // b knows the old pack
    for (const content of contents.slice(0, 6)) await a.remove(sha(content));
    const after = await packSize();
    expect(after).toHaveLength(1);
    expect(after[0]).toBeLessThan(before! / 2);
    expect(await a.totalStoredBytes()).toBe(after[0]);
    for (const content of contents.slice(6)) {
      expect(await readAll(b.open(sha(content)))).toEqual(content); // b's read of the old pack gets 404 and looks again
      expect(await a.verify(sha(content))).toEqual({ ok: true, actual: sha(content) });
    }
    expect(await make("repack/").has(sha(contents[0]!))).toBe(false);
    expect(await a.remove(sha(contents[7]!))).toBeGreaterThan(0);
    expect(await make("repack/").has(sha(contents[7]!))).toBe(false);
  });

  it("a pack whose index was never written (a killed writer) is not listed and is cleaned", async () => {
    const store = make("orphan/");
    await store.put(Buffer.from("makes the store"));
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: `orphan/packs/${"ab".repeat(16)}`, Body: randomBytes(500) }));
    expect(await store.storedNames()).toHaveLength(1);
    expect(await store.cleanTemporary({ olderThanMs: 0 })).toBe(1);
    expect(await keysUnder("orphan/packs/")).toHaveLength(1);
  });

  it("an index damaged in the bucket: its contents are missing to verify, and the next put stores them afresh", async () => {
    const store = make("damaged-index/");
    const content = Buffer.from(`named by a damaged index ${randomBytes(8).toString("hex")}`);
    await store.put(Buffer.from(content));
    const [indexKey] = await keysUnder("damaged-index/index/");
    await testS3Client().send(new PutObjectCommand({ Bucket: bucket, Key: indexKey!, Body: Buffer.from('{"kura":"pack-index","ver') }));
    const other = make("damaged-index/");
    expect(await other.verify(sha(content))).toMatchObject({ ok: false, error: expect.stringContaining("missing") });
    expect(await other.put(Buffer.from(content))).toMatchObject({ isNew: true });
    expect(await other.verify(sha(content))).toEqual({ ok: true, actual: sha(content) });
    expect(await readAll(make("damaged-index/").open(sha(content)))).toEqual(content);
  });

  it("a store from before packing keeps its small contents as objects: read, and not stored again", async () => {
    const content = Buffer.from(`stored before packing ${randomBytes(8).toString("hex")}`);
    const id = sha(content);
    const { gzipSync } = await import("node:zlib");
    await testS3Client().send(
      new PutObjectCommand({ Bucket: bucket, Key: `legacy/blobs/${id.slice(0, 2)}/${id}.gz`, Body: gzipSync(content) }),
    );
    const store = make("legacy/");
    expect(await readAll(store.open(id))).toEqual(content);
    expect(await store.put(Buffer.from(content))).toMatchObject({ sha256: id, isNew: false });
    expect(await keysUnder("legacy/packs/")).toEqual([]);
    expect(await keysUnder("legacy/layout.json")).toEqual([]);
    const fresh = Buffer.from("new content in the old store");
    expect(await store.put(Buffer.from(fresh))).toMatchObject({ isNew: true });
    expect(await keysUnder("legacy/packs/")).toHaveLength(1);
  });
});

// Large contents in chunks (issue 16): the chunked store over each backend, with a 4 MiB threshold and the default
// ~128 KiB chunks. Its whole blobs and its chunks are two stores of the backend (as store.ts makes them).
describe.each([filesystemBackend(false), s3Backend(false), filesystemBackend(true), s3Backend(true)])(
  "the chunked content store on $name",
  (backend) => {
    const THRESHOLD = 4 * MIB;
    let whole: BlobStore & MetaStore;
    let chunks: BlobStore;
    let store: BlobStore;
    beforeAll(async () => {
      whole = (await backend.create()) as BlobStore & MetaStore;
      chunks = await backend.create();
      store = createChunkedBlobStore(whole, chunks, { thresholdBytes: THRESHOLD });
      await store.totalStoredBytes(); // makes the bucket, so each test can list it first
    });
    afterAll(() => backend.cleanUp());

    const recipes = async () => (await whole.listMeta("recipes")).map((record) => record.name).sort();
    /** 1% of `bytes` rewritten in place, in `writes` scattered stretches. */
    const editInPlace = (bytes: Buffer, writes: number) => {
      const edited = Buffer.from(bytes);
      const stretch = Math.floor((bytes.length * 0.01) / writes);
      for (let i = 0; i < writes; i++) randomBytes(stretch).copy(edited, Math.floor(((i + 0.5) * bytes.length) / writes));
      return edited;
    };

    it("stores 24 MiB in chunks with a recipe and gives it back exactly; small contents stay whole; putFile chunks a large file", async () => {
      const big = randomBytes(24 * MIB);
      let counted = 0;
      const put = await store.put(chunked(big), { onBytes: (n) => (counted += n) });
      expect(put).toMatchObject({ sha256: sha(big), size: big.length, isNew: true });
      expect(counted).toBe(big.length);
      // Not a whole blob: ~190 chunks and one recipe.
      expect(await backend.listBlobs(whole)).toEqual([]);
      const chunkNames = await backend.listBlobs(chunks);
      expect(chunkNames.length).toBeGreaterThan(100);
      const listedRecipes = await recipes();
      expect(listedRecipes).toHaveLength(1);
      // Encrypted, a recipe is sealed under a keyed name: it names neither the content nor its chunks.
      if (backend.encrypted) expect(listedRecipes[0]).not.toContain(sha(big));
      else expect(listedRecipes).toEqual([`recipes/${sha(big)}.json`]);
      expect(await store.has(sha(big))).toBe(true);
      expect((await store.stat(sha(big)))?.storedBytes).toBe(put.storedBytes);
      expect(sha(await readAll(store.open(sha(big))))).toBe(sha(big));
      expect(await store.verify(sha(big))).toEqual({ ok: true, actual: sha(big) });
      // Again: not new, nothing added.
      expect(await store.put(Buffer.from(big))).toMatchObject({ sha256: sha(big), isNew: false });
      expect(await backend.listBlobs(chunks)).toEqual(chunkNames);

      const small = randomBytes(3 * MIB);
      expect(await store.put(chunked(small))).toMatchObject({ sha256: sha(small), isNew: true });
      expect(await backend.listBlobs(whole)).toEqual([(await whole.objectName(sha(small))).slice("blobs/".length)]);
      expect(await readAll(store.open(sha(small)))).toEqual(small);

      const dir = await mkdtemp(path.join(os.tmpdir(), "kura-chunked-file-"));
      try {
        const file = path.join(dir, "database.ibd");
        const fileBytes = randomBytes(6 * MIB);
        await writeFile(file, fileBytes);
        const stored = await store.putFile(file, { confineTo: dir, maxBytes: 64 * MIB });
        expect(stored).toMatchObject({ sha256: sha(fileBytes), size: fileBytes.length, isNew: true, stats: { mode: expect.any(Number) } });
        expect(await recipes()).toHaveLength(2);
        expect(sha(await readAll(store.open(sha(fileBytes))))).toBe(sha(fileBytes));
        // The same refusals as for a file read whole.
        expect(await store.putFile(file, { confineTo: dir, maxBytes: 5 * MIB })).toEqual({ skip: "too-large" });
        expect(await store.putFile(file, { confineTo: path.join(dir, "other"), maxBytes: 64 * MIB })).toEqual({ skip: "outside" });
        expect(await store.putFile(path.join(dir, "gone"), { confineTo: dir, maxBytes: 64 * MIB })).toEqual({ skip: "missing" });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await backend.listLeftovers(whole)).toEqual([]);
      expect(await backend.listLeftovers(chunks)).toEqual([]);
    });

    it("a second version with 1% changed in place adds a few percent; concurrent writers agree on who created it", async () => {
      const first = randomBytes(24 * MIB);
      const second = editInPlace(first, 3);
      const firstPut = await store.put(chunked(first));
      const before = new Set(await backend.listBlobs(chunks));
      const secondPuts = await Promise.all(Array.from({ length: 3 }, () => store.put(chunked(second))));
      expect(new Set(secondPuts.map((put) => put.sha256))).toEqual(new Set([sha(second)]));
      const created = secondPuts.filter((put) => put.isNew);
      expect(created).toHaveLength(1);
      // What the new version added: the chunks around the three edits, and its recipe.
      expect(created[0]!.storedBytes).toBeLessThan(firstPut.storedBytes * 0.1);
      const added = (await backend.listBlobs(chunks)).filter((name) => !before.has(name));
      expect(added.length).toBeGreaterThan(0);
      expect(added.length).toBeLessThan(15);
      expect(sha(await readAll(store.open(sha(second))))).toBe(sha(second));
    });

    it("remove keeps the chunks another content shares and frees the rest", async () => {
      const first = randomBytes(12 * MIB);
      const second = editInPlace(first, 2);
      const firstPut = await store.put(chunked(first));
      const chunksBefore = new Set(await backend.listBlobs(chunks));
      await store.put(chunked(second));
      const onlySecond = (await backend.listBlobs(chunks)).filter((name) => !chunksBefore.has(name));
      const freed = await store.remove(sha(first));
      expect(freed).toBeGreaterThan(0);
      expect(freed).toBeLessThan(firstPut.storedBytes * 0.2); // most of its chunks are the second's too
      expect(await store.has(sha(first))).toBe(false);
      expect(await store.remove(sha(first))).toBe(0);
      expect(await store.verify(sha(second))).toEqual({ ok: true, actual: sha(second) });
      expect(sha(await readAll(store.open(sha(second))))).toBe(sha(second));
      const remaining = new Set(await backend.listBlobs(chunks));
      await store.remove(sha(second));
      const left = new Set(await backend.listBlobs(chunks));
      const gone = [...remaining].filter((name) => !left.has(name));
      for (const name of onlySecond) expect(gone).toContain(name);
      expect(await store.has(sha(second))).toBe(false);
      await expect(readAll(store.open(sha(second)))).rejects.toMatchObject({ status: 404, code: "blob_not_found" });
    });

    it("verify finds a flipped byte in one chunk; quarantine sets it aside and the next put repairs the content", async () => {
      const content = randomBytes(10 * MIB);
      const { sha256 } = await store.put(chunked(content));
      const recipe = JSON.parse((await whole.getMeta(`recipes/${sha256}.json`))!.toString()) as { chunks: [string, number, number][] };
      const victim = recipe.chunks[5]![0];
      const stored = await backend.readStored(chunks, victim);
      const middle = Math.floor(stored.length / 2);
      stored[middle] = (stored[middle] ?? 0) ^ 0x01;
      await backend.writeStored(chunks, victim, stored);
      const result = await store.verify(sha256);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(new RegExp(`Chunk 6 of ${recipe.chunks.length} \\(${victim}\\).*(damaged|altered)`));
      expect(await store.quarantine(sha256)).toBe(true);
      expect(await store.has(sha256)).toBe(false);
      expect(await store.put(chunked(content))).toMatchObject({ sha256, isNew: true });
      expect(await store.verify(sha256)).toEqual({ ok: true, actual: sha256 });
    });

    it("a writer aborted or killed mid-stream leaves no recipe: the content is not there", async () => {
      const wholeBefore = await backend.listBlobs(whole);
      const recipesBefore = await recipes();
      const controller = new AbortController();
      const source = new Readable({ read() {} });
      let pushed = 0;
      const timer = setInterval(() => {
        source.push(randomBytes(MIB));
        if (++pushed === 12) controller.abort();
      }, 20);
      try {
        await expect(store.put(source, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
      } finally {
        clearInterval(timer);
      }
      expect(await recipes()).toEqual(recipesBefore);

      // A process of its own, killed (SIGKILL) once it has written chunks.
      const place = (inner: BlobStore) => {
        const s3 = /^s3:\/\/([^/]+)\/(\S*) at /.exec(inner.location);
        return s3 ? { root: inner.root, bucket: s3[1], prefix: s3[2] } : { root: inner.root };
      };
      const chunksBefore = (await backend.listBlobs(chunks)).length;
      const child = spawn(
        path.join(process.cwd(), "node_modules", ".bin", "tsx"),
        [
          path.join(process.cwd(), "lib", "store", "chunked", "put-until-killed.fixture.ts"),
          JSON.stringify({
            whole: place(whole),
            chunks: place(chunks),
            thresholdBytes: THRESHOLD,
            keyFile: await keyFileFor(backend.encrypted),
          }),
        ],
        { stdio: ["ignore", "ignore", "pipe"], detached: true },
      );
      let stderr = "";
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
      try {
        const deadline = Date.now() + 60_000;
        while ((await backend.listBlobs(chunks)).length < chunksBefore + 40) {
          if (child.exitCode !== null) expect.fail(`the writer stopped by itself: ${stderr}`);
          if (Date.now() > deadline) expect.fail(`the writer wrote no chunks in 60 s: ${stderr}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        process.kill(-child.pid!, "SIGKILL");
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await recipes()).toEqual(recipesBefore);
      expect(await backend.listBlobs(whole)).toEqual(wholeBefore);
      // Its chunks stay (unnamed), and what it left in tmp/ goes at the next start.
      await store.cleanTemporary({ olderThanMs: 0 });
      expect(await backend.listLeftovers(whole)).toEqual([]);
      expect(await backend.listLeftovers(chunks)).toEqual([]);
    }, 120_000);
  },
);
