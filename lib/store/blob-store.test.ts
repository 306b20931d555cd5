import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmdirSync, symlinkSync, writeFileSync as writeFileNow } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBlobStore } from "./blob-store";
import { compressionLevelFor } from "./compression-level.mjs";
import type { BlobStore } from "./blob-store";
import { listFiles, readAll } from "../../e2e/support/test-files";

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Deterministic, incompressible bytes (xorshift32), so a failure can be reproduced. */
function pseudoRandom(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i); // lengths used here are multiples of 4
  }
  return out;
}

/** Streams `bytes` in chunks, as a file read would. */
function chunked(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      this.push(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

const blobFile = (store: BlobStore, id: string) => path.join(store.root, "blobs", id.slice(0, 2), `${id}.gz`);

let dir: string;
let store: BlobStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kura-blob-store-"));
  store = createBlobStore(path.join(dir, "store"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("put and open", () => {
  it("round-trips text", async () => {
    const text = "listen_addresses = '*'\nmax_connections = 100\n";
    const result = await store.put(Readable.from([text]));
    expect(result).toMatchObject({ sha256: sha(text), size: Buffer.byteLength(text), isNew: true });
    expect(result.storedBytes).toBeGreaterThan(0);
    expect((await readAll(store.open(result.sha256))).toString()).toBe(text);
    expect(await store.has(result.sha256)).toBe(true);
    expect(await store.stat(result.sha256)).toEqual({ storedBytes: result.storedBytes });
    expect(await listFiles(path.join(store.root, "blobs"))).toEqual([path.join(result.sha256.slice(0, 2), `${result.sha256}.gz`)]);
  });

  it("stores empty content under the hash of nothing", async () => {
    const result = await store.put(Readable.from([]));
    expect(result).toMatchObject({ sha256: EMPTY_SHA, size: 0, isNew: true });
    expect(await readAll(store.open(EMPTY_SHA))).toHaveLength(0);
    expect(await store.verify(EMPTY_SHA)).toEqual({ ok: true, actual: EMPTY_SHA });
  });

  it("streams 20 MB of random bytes in chunks and gives them back exactly", { timeout: 30_000 }, async () => {
    const bytes = pseudoRandom(20 * 1024 * 1024);
    let reported = 0;
    const result = await store.put(chunked(bytes), { onBytes: (n) => (reported += n) });
    expect(result.sha256).toBe(sha(bytes));
    expect(result.size).toBe(bytes.length);
    expect(reported).toBe(bytes.length);
    const back = await readAll(store.open(result.sha256));
    expect(back.length).toBe(bytes.length);
    expect(back.equals(bytes)).toBe(true);
  });

  it("stores the same content once", async () => {
    const bytes = pseudoRandom(256 * 1024, 7);
    const first = await store.put(chunked(bytes));
    const total = await store.totalStoredBytes();
    expect(total).toBe(first.storedBytes);

    const second = await store.put(chunked(bytes, 1000));
    expect(second).toEqual({ ...first, isNew: false });
    expect(await store.totalStoredBytes()).toBe(total);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("lets exactly one of two concurrent writes of the same content add it", async () => {
    const bytes = pseudoRandom(512 * 1024, 11);
    const results = await Promise.all([store.put(chunked(bytes)), store.put(chunked(bytes, 4096))]);
    expect(results.map((r) => r.isNew).sort()).toEqual([false, true]);
    expect(await store.totalStoredBytes()).toBe(results[0]?.storedBytes);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("compresses compressible content", async () => {
    const line = "2024-05-01T12:00:00Z INFO request served path=/api/health status=200\n";
    const bytes = Buffer.from(line.repeat(Math.ceil((5 * 1024 * 1024) / line.length)));
    const result = await store.put(chunked(bytes));
    expect(result.size).toBe(bytes.length);
    expect(result.storedBytes).toBeLessThan(bytes.length / 20);
    expect(await store.totalStoredBytes()).toBe(result.storedBytes);
  });

  it("fails the open stream with blob_not_found for content it does not hold", async () => {
    const missing = sha("never stored");
    await expect(readAll(store.open(missing))).rejects.toMatchObject({ code: "blob_not_found", status: 404 });
    expect(await store.has(missing)).toBe(false);
    expect(await store.stat(missing)).toBeNull();
  });
});

describe("compression and deferred durability", () => {
  it("compresses text and only wraps content that does not compress, both round-trip", async () => {
    const text = Buffer.from("2026-11-22 12:00:00 INFO request served in 12 ms\n".repeat(20_000));
    const noise = pseudoRandom(1024 * 1024);
    const packed = await store.put(chunked(text));
    const wrapped = await store.put(chunked(noise));
    expect(packed.storedBytes).toBeLessThan(text.byteLength / 10);
    expect(wrapped.storedBytes).toBeGreaterThan(noise.byteLength); // level 0: the bytes plus gzip's framing
    expect(wrapped.storedBytes).toBeLessThan(noise.byteLength * 1.01);
    expect((await readAll(store.open(packed.sha256))).equals(text)).toBe(true);
    expect((await readAll(store.open(wrapped.sha256))).equals(noise)).toBe(true);
    expect(await store.verify(wrapped.sha256)).toMatchObject({ ok: true });
  });

  it("putDeferred hands back the hash at once; the blob is in place only when durable resolves", async () => {
    const bytes = pseudoRandom(300 * 1024, 7);
    const deferred = await store.putDeferred(chunked(bytes));
    expect(deferred.sha256).toBe(sha(bytes));
    const result = await deferred.durable;
    expect(result).toMatchObject({ sha256: sha(bytes), size: bytes.byteLength, isNew: true });
    expect(await store.has(result.sha256)).toBe(true);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
    // Many at once, the same content twice among them: each lands once.
    const many = await Promise.all(
      [1, 2, 3, 3].map(async (seed) => (await store.putDeferred(chunked(pseudoRandom(70_000, seed)))).durable),
    );
    expect(many.filter((put) => put.isNew)).toHaveLength(3);
  });
});

describe("compressionLevelFor", () => {
  it("only wraps content that looks random and compresses the rest", () => {
    expect(compressionLevelFor(pseudoRandom(64 * 1024), 1)).toBe(0);
    expect(compressionLevelFor(gzipSync(Buffer.from(pseudoRandom(100_000).toString("hex"))), 1)).toBe(0); // already compressed
    expect(compressionLevelFor(Buffer.from("2026-11-22 INFO served /index.html in 3 ms\n".repeat(500)), 1)).toBe(1);
    expect(compressionLevelFor(Buffer.from(pseudoRandom(12_000).toString("base64")), 6)).toBe(6);
    expect(compressionLevelFor(Buffer.alloc(100_000), 1)).toBe(1);
    expect(compressionLevelFor(pseudoRandom(400), 1)).toBe(1); // too short to judge
  });
});

describe("bytes already in memory", () => {
  it("stores them as a stream of the same bytes would, compressed or only wrapped", async () => {
    const text = Buffer.from("Nov 22 12:00:00 smbd[42]: connection from 10.0.0.5\n".repeat(5000));
    const noise = pseudoRandom(256 * 1024, 11);
    const fromBytes = await store.put(text);
    const wrapped = await store.put(noise);
    expect(fromBytes).toMatchObject({ sha256: sha(text), size: text.byteLength, isNew: true });
    expect(fromBytes.storedBytes).toBeLessThan(text.byteLength / 10);
    expect(wrapped.storedBytes).toBeGreaterThan(noise.byteLength);
    expect((await readAll(store.open(fromBytes.sha256))).equals(text)).toBe(true);
    expect((await readAll(store.open(wrapped.sha256))).equals(noise)).toBe(true);
    expect(await store.verify(fromBytes.sha256)).toEqual({ ok: true, actual: sha(text) });
    // The same content as a stream finds it stored.
    expect(await store.put(chunked(text))).toMatchObject({ sha256: sha(text), isNew: false, storedBytes: fromBytes.storedBytes });
    expect(await store.put(Buffer.alloc(0))).toMatchObject({ sha256: EMPTY_SHA, size: 0 });
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("does not write content it already holds", async () => {
    const bytes = Buffer.from("kept once\n".repeat(100));
    const first = await store.put(bytes);
    const file = blobFile(store, first.sha256);
    const { mtimeMs } = await stat(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    let reported = 0;
    const again = await store.putDeferred(bytes, { onBytes: (n) => (reported += n) });
    expect(await again.durable).toMatchObject({ sha256: first.sha256, isNew: false, storedBytes: first.storedBytes });
    expect(reported).toBe(bytes.byteLength);
    expect((await stat(file)).mtimeMs).toBe(mtimeMs);
  });

  it("lands each of many concurrent deferred puts once, and rejects an aborted one without a trace", async () => {
    const contents = Array.from({ length: 600 }, (_, index) => Buffer.from(`file ${index % 500}\n`.repeat(50)));
    const puts = await Promise.all(contents.map((bytes) => store.putDeferred(bytes)));
    const results = await Promise.all(puts.map((put) => put.durable));
    expect(results.filter((result) => result.isNew)).toHaveLength(500);
    expect(await listFiles(path.join(store.root, "blobs"))).toHaveLength(500);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
    const controller = new AbortController();
    controller.abort();
    await expect(store.put(Buffer.from("never stored"), { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(await store.has(sha("never stored"))).toBe(false);
  });
});

describe("verify", () => {
  const content = pseudoRandom(200 * 1024, 3);

  it("accepts an intact blob", async () => {
    const { sha256 } = await store.put(chunked(content));
    expect(await store.verify(sha256)).toEqual({ ok: true, actual: sha256 });
  });

  it("reports a flipped byte", async () => {
    const { sha256 } = await store.put(chunked(content));
    const file = blobFile(store, sha256);
    const stored = await readFile(file);
    const middle = Math.floor(stored.length / 2);
    stored[middle] = (stored[middle] ?? 0) ^ 0xff;
    await writeFile(file, stored);
    const result = await store.verify(sha256);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/damaged|altered/);
  });

  it("reports a truncated file", async () => {
    const { sha256, storedBytes } = await store.put(chunked(content));
    await truncate(blobFile(store, sha256), Math.floor(storedBytes / 2));
    const result = await store.verify(sha256);
    expect(result).toMatchObject({ ok: false, actual: null });
    expect(result.error).toContain("damaged");
  });

  it("reports a valid gzip file holding other content", async () => {
    const { sha256 } = await store.put(Readable.from(["the real content"]));
    await writeFile(blobFile(store, sha256), gzipSync("something else"));
    expect(await store.verify(sha256)).toMatchObject({
      ok: false,
      actual: sha("something else"),
      error: expect.stringContaining("altered"),
    });
  });

  it("reports a missing file", async () => {
    expect(await store.verify(sha("never stored"))).toMatchObject({ ok: false, actual: null, error: expect.stringContaining("missing") });
  });
});

describe("failed writes", () => {
  it("removes the temporary file and stores nothing when aborted midway", async () => {
    await store.put(Readable.from(["already here"]));
    const blobsBefore = await listFiles(path.join(store.root, "blobs"));

    const controller = new AbortController();
    const source = new Readable({ read() {} });
    let pushed = 0;
    const timer = setInterval(() => {
      source.push(pseudoRandom(64 * 1024, ++pushed));
      if (pushed === 5) controller.abort();
    }, 5);
    let written = 0;
    try {
      await expect(store.put(source, { signal: controller.signal, onBytes: (n) => (written += n) })).rejects.toMatchObject({
        name: "AbortError",
      });
    } finally {
      clearInterval(timer);
    }
    expect(written).toBeGreaterThan(0);
    expect(await listFiles(path.join(store.root, "blobs"))).toEqual(blobsBefore);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  });

  it("rejects at once for an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(store.put(Readable.from(["x"]), { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(await listFiles(store.root)).toEqual([]);
  });

  it("removes the temporary file and rethrows when the source fails", async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent++ < 3) this.push(pseudoRandom(64 * 1024, sent));
        else this.destroy(Object.assign(new Error("read failed: input/output error"), { code: "EIO" }));
      },
    });
    await expect(store.put(source)).rejects.toMatchObject({ message: "read failed: input/output error", code: "EIO" });
    expect(await listFiles(store.root)).toEqual([]);
  });

  it("does not mistake a source failing with ENOSPC for a full store", async () => {
    const source = new Readable({
      read() {
        this.destroy(Object.assign(new Error("no space left on the share"), { code: "ENOSPC" }));
      },
    });
    await expect(store.put(source)).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await listFiles(store.root)).toEqual([]);
  });

  it("removes the temporary file when onBytes throws", async () => {
    const onBytes = () => {
      throw new Error("progress sink closed");
    };
    await expect(store.put(chunked(pseudoRandom(128 * 1024)), { onBytes })).rejects.toThrow("progress sink closed");
    expect(await listFiles(store.root)).toEqual([]);
  });
});

/** Whether a tmpfs can be mounted here (root, with the mount capability), to fill a disk for real. */
function canMountTmpfs(): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(path.join(os.tmpdir(), "kura-tmpfs-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmdirSync(probe);
  }
}

describe("a full disk", () => {
  it.skipIf(!canMountTmpfs())("rejects with disk_full and leaves no partial blob", async () => {
    const mountPoint = path.join(dir, "small-disk");
    await mkdir(mountPoint);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], { stdio: "ignore" });
    try {
      const small = createBlobStore(path.join(mountPoint, "store"));
      const kept = await small.put(Readable.from(["fits easily"]));
      await expect(small.put(chunked(pseudoRandom(4 * 1024 * 1024)))).rejects.toMatchObject({ status: 507, code: "disk_full" });
      expect(await listFiles(path.join(small.root, "tmp"))).toEqual([]);
      expect(await listFiles(path.join(small.root, "blobs"))).toEqual([path.join(kept.sha256.slice(0, 2), `${kept.sha256}.gz`)]);
      // Space is back once the failed write is gone, so the store keeps working.
      expect((await small.put(Readable.from(["still works"]))).isNew).toBe(true);
    } finally {
      execFileSync("umount", [mountPoint], { stdio: "ignore" });
    }
  });
});

describe("cleanTemporary", () => {
  it("removes leftovers of crashed writes and nothing else", async () => {
    const { sha256 } = await store.put(Readable.from(["keep me"]));
    const tmp = path.join(store.root, "tmp");
    await writeFile(path.join(tmp, "c0ffee-partial"), "half a gzip");
    await writeFile(path.join(tmp, "another"), "");
    await mkdir(path.join(tmp, "odd-folder"));
    await writeFile(path.join(tmp, "odd-folder", "inside"), "x");
    // The folder of a blob worker of a process that crashed (another pid).
    await mkdir(path.join(tmp, "worker-1-7"));
    await writeFile(path.join(tmp, "worker-1-7", "0b5e55ed"), "half");

    expect(await store.cleanTemporary()).toBe(4);
    expect(await readdir(tmp)).toEqual([]);
    expect(await store.verify(sha256)).toMatchObject({ ok: true });
    expect(await store.cleanTemporary()).toBe(0);
  });

  it("returns 0 for a store that was never written", async () => {
    expect(await store.cleanTemporary()).toBe(0);
    expect(await store.totalStoredBytes()).toBe(0);
  });
});

describe("blob ids", () => {
  it.each([
    ["a path traversal", "../../etc/passwd"],
    ["uppercase hex", EMPTY_SHA.toUpperCase()],
    ["a short id", "e3b0c442"],
    ["a hash with a suffix", `${EMPTY_SHA}/../x`],
    ["an empty string", ""],
  ])("refuses %s", async (_label, id) => {
    await expect(store.has(id)).rejects.toMatchObject({ status: 422, code: "invalid_blob_id" });
    await expect(store.stat(id)).rejects.toMatchObject({ code: "invalid_blob_id" });
    await expect(store.verify(id)).rejects.toMatchObject({ code: "invalid_blob_id" });
    expect(() => store.open(id)).toThrow(expect.objectContaining({ code: "invalid_blob_id" }));
  });
});

describe("quarantine", () => {
  it("moves a damaged blob aside so the next put of that content stores it afresh", async () => {
    const { sha256 } = await store.put(Buffer.from("precious\n"));
    const file = blobFile(store, sha256);
    await writeFile(file, gzipSync(Buffer.from("tampered\n")));
    expect(await store.verify(sha256)).toMatchObject({ ok: false });
    expect(await store.quarantine(sha256)).toBe(true);
    expect(await store.has(sha256)).toBe(false);
    expect(await listFiles(path.join(store.root, "damaged"))).toEqual([expect.stringMatching(new RegExp(`^${sha256}\\.gz\\.\\d+$`))]);
    expect(await store.put(Buffer.from("precious\n"))).toMatchObject({ sha256, isNew: true });
    expect(await store.verify(sha256)).toMatchObject({ ok: true });
    expect(await store.quarantine(sha("never stored"))).toBe(false);
  });
});

describe("putFile", () => {
  it("stores a regular file with its owner, mode and time, and refuses what is not one or lies outside", async () => {
    const layer = path.join(dir, "layer");
    const outside = path.join(dir, "host");
    mkdirSync(path.join(layer, "srv"), { recursive: true });
    mkdirSync(outside);
    writeFileNow(path.join(outside, "shadow"), "host secret");
    writeFileNow(path.join(layer, "srv", "data.txt"), "customer records");
    chmodSync(path.join(layer, "srv", "data.txt"), 0o640);
    symlinkSync(path.join(outside, "shadow"), path.join(layer, "srv", "link"));
    symlinkSync(outside, path.join(layer, "etc")); // a folder the container turned into a link to the host
    execFileSync("mkfifo", [path.join(layer, "srv", "pipe")]);
    const put = (file: string, maxBytes = 1024) => store.putFile(path.join(layer, file), { confineTo: layer, maxBytes });

    const stored = await put("srv/data.txt");
    expect(stored).toMatchObject({
      sha256: sha("customer records"),
      size: 16,
      isNew: true,
      stats: { mode: expect.any(Number), uid: process.getuid?.() },
    });
    expect(("stats" in stored ? stored.stats.mode : 0) & 0o7777).toBe(0o640);
    expect((await readAll(store.open(sha("customer records")))).toString()).toBe("customer records");
    expect(await put("srv/data.txt")).toMatchObject({ isNew: false });
    expect(await put("etc/shadow")).toEqual({ skip: "outside" });
    expect(await put("srv/link")).toEqual({ skip: "not-a-file" });
    expect(await put("srv/pipe")).toEqual({ skip: "not-a-file" });
    expect(await put("srv/gone")).toEqual({ skip: "missing" });
    expect(await put("srv/data.txt", 4)).toEqual({ skip: "too-large" });
    expect(await store.has(sha("host secret"))).toBe(false);
    expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  });
});
