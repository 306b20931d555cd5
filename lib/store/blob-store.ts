import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { AppError } from "@/lib/api/app-error";
import { createBlobWriterPool, type BlobTask, type BlobTaskResult, type BlobWriterPool, type StoredFileStats } from "./blob-writer-pool";
import { compressionLevelFor, SAMPLE_BYTES } from "./compression-level.mjs";
import { BLOB_CIPHER_ERROR, opening, sealing } from "./crypto/blob-cipher.mjs";
import { fileKeyRecord } from "./crypto/key-record-access";
import { blobObjectName, isBlobFileName, lazyEncryption, openStoreEncryption, type StoreEncryption } from "./crypto/open-store-encryption";
import { createFileMetaStore, metaCodec, type MetaStore } from "./meta-store";

/**
 * A content-addressed store of file contents, rooted at one folder (the app uses `<KURA_DATA_DIR>/store`):
 *
 *   blobs/<first 2 hex>/<sha256>.gz   each distinct content once, gzip (level 1 by default; level 0, only wrapped, for content that does not compress), named by the SHA-256 of the UNCOMPRESSED bytes
 *   tmp/<random>                      writes in progress; anything left here after a crash is garbage (see cleanTemporary)
 *   damaged/<sha256>.gz.<time>        blobs verification found damaged, moved aside (see quarantine)
 *   keys/repository.json              only in an encrypted store (KURA_STORE_KEY_FILE): its wrapped repository key; blobs
 *                                     are then blobs/<2 hex>/<keyed name>.enc, gzip sealed in frames (crypto/blob-cipher.mjs)
 *
 * A blob only ever appears under blobs/ complete and fsynced (written to tmp/, fsynced, then linked or renamed into
 * place), so a crash, kill -9 or full disk leaves at most a stray file in tmp/.
 *
 * Usage:
 *   const store = createBlobStore(path.join(env.KURA_DATA_DIR, "store"));
 *   await store.cleanTemporary();                       // once at start-up, before any put
 *   const { sha256, isNew } = await store.put(fileStream, { signal, onBytes: (n) => progress += n });
 *   store.open(sha256).pipe(destination);                // the original bytes
 */
export type BlobStore = {
  /** The absolute root folder (for the object store: the local folder whose tmp/ spools bundle imports). */
  readonly root: string;
  /** Where the blobs are, for messages: the root folder, or `s3://bucket/prefix at <endpoint>`. */
  readonly location: string;
  /**
   * Stores `source` (a stream, or bytes already in memory) and resolves once it is durably on disk. `size` is the uncompressed length,
   * `storedBytes` the blob's size on disk (also when it was already stored), `isNew` whether this call added it.
   * `onBytes` is called with each chunk's length (uncompressed) as it passes. Aborting `signal` removes the temporary
   * file and rejects with an AbortError; a full disk rejects with AppError 507 "disk_full"; other errors are rethrown.
   * The source is consumed, and destroyed if the put fails.
   */
  put(source: Readable | Buffer, options?: PutOptions): Promise<PutResult>;
  /**
   * Like put, but resolves as soon as the content is written (so the next file can stream) and hands back
   * `durable`, which fsyncs and links it into place; many durables run together (their fsyncs share disk
   * flushes). Await every durable before relying on the blobs, e.g. before writing a manifest that names them.
   * Bytes already in memory whose blob is stored are not written again. While many durables are waiting,
   * putDeferred waits for room (each holds an open file).
   */
  putDeferred(source: Readable | Buffer, options?: PutOptions): Promise<DeferredPut>;
  /**
   * Stores a regular file of this machine whole (up to `maxBytes`), in a worker thread, and resolves once it is
   * durable, with the file's owner, mode and time as read from the open file. With `confineTo` (a folder), the file
   * is read only if it is exactly that path with no symlink on the way (a container's layer folder may hold links to
   * anywhere). Resolves with `skip` instead when the file is gone, not a regular file, outside, or too large.
   */
  putFile(file: string, options: PutFileOptions): Promise<PutFileResult>;
  has(sha256: string): Promise<boolean>;
  /** The decompressed content. An unknown blob makes the stream fail with AppError 404 "blob_not_found". */
  open(sha256: string): Readable;
  /** The blob's size on disk, or null when it is not stored. */
  stat(sha256: string): Promise<{ storedBytes: number } | null>;
  /**
   * Decompresses and re-hashes the blob. Damage (a corrupt or truncated gzip stream, altered content, a missing or
   * unreadable file) gives `ok: false` with a sentence in `error`; `actual` is the content's hash when it could be read.
   */
  verify(sha256: string): Promise<VerifyResult>;
  /**
   * Moves a blob that failed verification out of blobs/ into damaged/ (kept for inspection, never read again), so
   * the next put of the same content stores it afresh instead of trusting the damaged file by its name; that put
   * repairs every archive naming it. False when the blob was not there.
   */
  quarantine(sha256: string): Promise<boolean>;
  /**
   * Removes leftovers of interrupted writes from tmp/ (skipping this store's own writes in progress); returns how many.
   * With `olderThanMs`, younger ones are kept (another dashboard may be writing them); the object store keeps those
   * younger than an hour by default.
   */
  cleanTemporary(options?: { olderThanMs?: number }): Promise<number>;
  /** Sum of the sizes on disk of all blobs. */
  totalStoredBytes(): Promise<number>;
  /** Deletes a blob (when no archive names it any more); returns the bytes freed, 0 when it was not stored. */
  remove(sha256: string): Promise<number>;
  /**
   * Whether content is sealed under the store's repository key (KURA_STORE_KEY_FILE). Rejects with an AppError 503
   * (store_key_required, store_key_wrong, ...) when the store cannot be opened with the key given.
   */
  encryption(): Promise<"encrypted" | "unencrypted">;
  /** Where the blob is (or would be) kept, relative to the store's root or prefix: `blobs/…` (for tests and messages). */
  objectName(sha256: string): Promise<string>;
};

export type PutOptions = { signal?: AbortSignal; onBytes?: (n: number) => void };
export type PutFileOptions = PutOptions & { confineTo?: string; maxBytes: number };
export type PutFileResult =
  (PutResult & { stats: StoredFileStats }) | { skip: "missing" | "not-a-file" | "outside" | "changed" | "too-large" };
/** A put whose bytes are written; `durable` resolves once the blob is fsynced and in place (or rejects, leaving nothing). */
export type DeferredPut = { sha256: string; size: number; durable: Promise<PutResult> };

/** gzip level for compressible content unless the store is created with another (KURA_COMPRESSION_LEVEL). */
export const DEFAULT_COMPRESSION_LEVEL = 1;
/** fsyncs in flight at once: the file system commits concurrent ones together, one at a time costs a disk flush each. */
const SYNC_CONCURRENCY = 32;

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Runs at most `limit` of the given tasks at once, in order. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * fsyncs a folder soon, sharing one fsync among everyone who asks before it starts (many blobs land in the same
 * shard folder at about the same time; each needs its link to be durable, not a flush of its own).
 */
function folderSyncer() {
  const queued = new Map<string, Promise<void>>();
  return (dir: string): Promise<void> => {
    const already = queued.get(dir);
    if (already) return already;
    const sync = new Promise<void>((resolve) => setTimeout(resolve, 2)).then(() => {
      queued.delete(dir);
      return syncDir(dir);
    });
    queued.set(dir, sync);
    return sync;
  };
}
export type PutResult = { sha256: string; size: number; storedBytes: number; isNew: boolean };
export type VerifyResult = { ok: boolean; actual: string | null; error?: string };

const BLOB_ID = /^[0-9a-f]{64}$/;
// Archived files can hold secrets (keys, password hashes), so only Kura's own user may read the store.
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Throws AppError 422 "invalid_blob_id" unless `value` is 64 lowercase hex characters, so no id can escape the root. */
export function assertBlobId(value: unknown): asserts value is string {
  if (typeof value === "string" && BLOB_ID.test(value)) return;
  const shown = typeof value === "string" ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
  throw new AppError(
    422,
    "invalid_blob_id",
    `${shown} is not a blob id: expected a SHA-256 written as 64 lowercase hexadecimal characters.`,
  );
}

/**
 * `compressionLevel`: gzip level (1-9) for content that compresses; incompressible content is stored at level 0.
 * `keyFile` (KURA_STORE_KEY_FILE): encrypt the store under a repository key wrapped by this file (see crypto/).
 */
export function createBlobStore(
  root: string,
  options: { compressionLevel?: number; keyFile?: string | undefined } = {},
): BlobStore & MetaStore {
  const compressionLevel = options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL;
  const rootDir = path.resolve(root);
  const blobsDir = path.join(rootDir, "blobs");
  const tmpDir = path.join(rootDir, "tmp");
  // Temporary names of puts running in this process, so cleanTemporary never pulls a file from under one.
  const active = new Set<string>();
  let ready: Promise<void> | null = null;

  const syncLimit = limiter(SYNC_CONCURRENCY);
  const syncFolder = folderSyncer();
  const encryption = lazyEncryption(() =>
    openStoreEncryption({ keyFile: options.keyFile, access: fileKeyRecord(rootDir), location: rootDir }),
  );
  // Made once the store's encryption is known (the workers seal and name blobs too).
  let pool: BlobWriterPool | null = null;
  const poolFor = (sealed: StoreEncryption | null) =>
    (pool ??= createBlobWriterPool({ blobsDir, tmpDir, compressionLevel, fileMode: FILE_MODE, dirMode: DIR_MODE, encryption: sealed }));
  // Shard folders known to exist (created once, not per blob); forgotten when a link finds one gone.
  const knownShards = new Set<string>();
  const blobPath = (sha256: string, sealed: StoreEncryption | null) => path.join(blobsDir, blobObjectName(sealed, sha256));

  const ensureDirs = () => {
    ready ??= Promise.all([mkdir(tmpDir, { recursive: true, mode: DIR_MODE }), mkdir(blobsDir, { recursive: true, mode: DIR_MODE })]).then(
      () => undefined,
      (err: unknown) => {
        ready = null; // let a later call retry, e.g. once the disk has space again
        throw err;
      },
    );
    return ready;
  };

  const diskFull = () =>
    new AppError(
      507,
      "disk_full",
      `The disk holding the archive store (${rootDir}) is full. Free some space on it, or move KURA_DATA_DIR to a larger disk, then run the archive again.`,
    );

  async function put(source: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    const written = Buffer.isBuffer(source) ? await putBytes(source, options) : await write(source, options);
    return written.durable;
  }

  async function putDeferred(source: Readable | Buffer, options: PutOptions = {}): Promise<DeferredPut> {
    const written = Buffer.isBuffer(source) ? await putBytes(source, options) : await write(source, options);
    written.durable.catch(() => undefined); // the caller awaits it later; never an unhandled rejection meanwhile
    return written;
  }

  /**
   * Streams `source` into a temporary file (hashing and compressing it), resolving once every byte is written;
   * `durable` then fsyncs it and links it into place. Until `durable` resolves the blob is not in blobs/.
   */
  async function write(source: Readable, options: PutOptions): Promise<DeferredPut> {
    const { signal, onBytes } = options;
    const name = randomUUID();
    const tmpPath = path.join(tmpDir, name);
    const hash = createHash("sha256");
    let size = 0;
    // pipeline destroys every stream with the first error, so note which side failed first: a source failing with
    // ENOSPC (e.g. reading from a full network share) is not the store's disk being full.
    let failedFirst: "source" | "store" | null = null;
    const onSourceError = () => {
      failedFirst ??= "source";
    };
    source.once("error", onSourceError);
    active.add(name);
    let out: WriteStream | null = null;
    const cleanUp = async (err: unknown): Promise<never> => {
      source.destroy(); // put owns the source; after an early failure (before pipeline) it would keep its file open
      // A write stream destroyed while still opening creates its file afterwards: wait for it to close, then remove.
      const writing = out;
      if (writing && !writing.closed) await new Promise<void>((resolve) => writing.once("close", () => resolve()));
      await rm(tmpPath, { force: true }).catch(() => undefined);
      active.delete(name);
      if (failedFirst !== "source" && isNoSpace(err)) throw diskFull();
      throw err;
    };
    try {
      await ensureDirs();
      const sealed = await encryption();
      // Random-looking content (media, archives, encrypted files) does not shrink: gzip only wraps it (level 0),
      // which is ten times faster than compressing. The first 16 KiB decide.
      let level = compressionLevel;
      const sampling = async function* (chunks: AsyncIterable<Buffer | Uint8Array | string>) {
        const held: Buffer[] = [];
        let heldBytes = 0;
        let decided = false;
        for await (const chunk of chunks) {
          const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          hash.update(bytes);
          size += bytes.byteLength;
          onBytes?.(bytes.byteLength);
          if (decided) {
            yield bytes;
            continue;
          }
          held.push(bytes);
          heldBytes += bytes.byteLength;
          if (heldBytes < SAMPLE_BYTES) continue;
          decided = true;
          level = compressionLevelFor(Buffer.concat(held, Math.min(heldBytes, SAMPLE_BYTES)), compressionLevel);
          yield* held;
        }
        if (!decided) {
          level = compressionLevelFor(Buffer.concat(held, Math.min(heldBytes, SAMPLE_BYTES)), compressionLevel);
          yield* held;
        }
      };
      out = createWriteStream(tmpPath, { flags: "wx", mode: FILE_MODE, highWaterMark: 1024 * 1024 });
      out.once("error", () => {
        failedFirst ??= "store";
      });
      // The gzip stream is created lazily so it can use the level the sample chose.
      const compressing = async function* (chunks: AsyncIterable<Buffer>) {
        const gzip = createGzip({ level, chunkSize: 256 * 1024 });
        const feed = (async () => {
          for await (const chunk of chunks) if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once("drain", resolve));
          gzip.end();
        })();
        feed.catch((err: unknown) => gzip.destroy(err instanceof Error ? err : new Error(String(err))));
        for await (const compressed of gzip) yield compressed as Buffer;
        await feed;
      };
      await pipeline(
        source,
        sampling,
        async function* (chunks: AsyncIterable<Buffer>) {
          // `level` is known once the first sample was taken; start gzip only then.
          const iterator = chunks[Symbol.asyncIterator]();
          const first = await iterator.next();
          const rest = (async function* () {
            if (!first.done) yield first.value;
            for (;;) {
              const next = await iterator.next();
              if (next.done) return;
              yield next.value;
            }
          })();
          yield* sealed ? sealing(sealed.contentKey)(compressing(rest)) : compressing(rest);
        },
        out,
        signal ? { signal } : {},
      );
    } catch (err) {
      source.off("error", onSourceError);
      return cleanUp(err);
    }
    source.off("error", onSourceError);
    const sha256 = hash.digest("hex");
    const storedBytes = out.bytesWritten;
    const sealed = await encryption(); // known by now: the write above awaited it
    const durable = syncLimit(async () => {
      try {
        await fsyncFile(tmpPath);
        const placed = await place(tmpPath, blobPath(sha256, sealed), storedBytes);
        active.delete(name);
        return { sha256, size, ...placed };
      } catch (err) {
        return cleanUp(err);
      }
    });
    return { sha256, size, durable };
  }

  /** Whole contents go to the worker threads (blob-writer-pool.ts), which store them without asynchronous calls. */
  async function putBytes(bytes: Buffer, options: PutOptions): Promise<DeferredPut> {
    // A copy of its own goes to the worker (moved, not cloned: cheaper, and the caller's buffer stays usable).
    const result = await runTask({ bytes: new Uint8Array(bytes) }, options);
    if ("skip" in result) throw new Error(`the blob writer skipped bytes (${result.skip})`);
    options.onBytes?.(result.size);
    const { sha256, size, storedBytes, isNew } = result;
    return { sha256, size, durable: Promise.resolve({ sha256, size, storedBytes, isNew }) };
  }

  async function runTask(task: BlobTask, options: PutOptions): Promise<BlobTaskResult> {
    options.signal?.throwIfAborted();
    await ensureDirs();
    const sealed = await encryption();
    try {
      return await poolFor(sealed).run(task, options.signal);
    } catch (err) {
      throw isNoSpace(err) ? diskFull() : err;
    }
  }

  async function putFile(file: string, options: PutFileOptions): Promise<PutFileResult> {
    const result = await runTask({ file, confineTo: options.confineTo ?? null, maxBytes: options.maxBytes }, options);
    if ("skip" in result) return result;
    options.onBytes?.(result.size);
    return { sha256: result.sha256, size: result.size, storedBytes: result.storedBytes, isNew: result.isNew, stats: result.stats! };
  }

  /**
   * Links a finished, fsynced temp file into place and makes the link durable. `storedBytes` is the file's size;
   * when the blob was already there the temp file is dropped and the stored blob's size is returned.
   */
  async function place(tmpPath: string, target: string, storedBytes: number): Promise<{ isNew: boolean; storedBytes: number }> {
    const shardDir = path.dirname(target);
    if (!knownShards.has(shardDir)) {
      await mkdir(shardDir, { recursive: true, mode: DIR_MODE });
      knownShards.add(shardDir);
    }
    let isNew: boolean;
    try {
      isNew = await publish(tmpPath, target);
    } catch (err) {
      if (errorCode(err) !== "ENOENT") throw err;
      // The shard folder went away (the store was emptied by hand): make it again.
      knownShards.delete(shardDir);
      await mkdir(shardDir, { recursive: true, mode: DIR_MODE });
      knownShards.add(shardDir);
      isNew = await publish(tmpPath, target);
    }
    if (!isNew) return { isNew, storedBytes: (await stat(target)).size };
    await syncFolder(shardDir);
    return { isNew, storedBytes };
  }

  /** Moves a finished temp file into place; false when the blob was already there (then the temp file is dropped). */
  async function publish(tmpPath: string, target: string): Promise<boolean> {
    try {
      // link fails with EEXIST atomically, so two concurrent puts of the same content agree on who added it.
      await link(tmpPath, target);
      await unlink(tmpPath);
      return true;
    } catch (err) {
      if (errorCode(err) === "EEXIST") {
        await unlink(tmpPath);
        return false;
      }
      if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"].includes(errorCode(err) ?? "")) throw err;
    }
    // File systems without hard links: check, then rename (atomic too; a race only overwrites equal bytes).
    if (await exists(target)) {
      await unlink(tmpPath);
      return false;
    }
    await rename(tmpPath, target);
    return true;
  }

  function openBlob(sha256: string): Readable {
    assertBlobId(sha256);
    const gunzip = createGunzip();
    encryption().then(
      (sealed) => {
        if (gunzip.destroyed) return; // the consumer stopped before the store was open
        const file = createReadStream(blobPath(sha256, sealed));
        const decrypted = sealed ? file.pipe(opening(sealed.contentKey)) : file;
        const fail = (err: Error) =>
          gunzip.destroy(
            errorCode(err) === "ENOENT" ? new AppError(404, "blob_not_found", `No stored content has the id ${sha256}.`) : err,
          );
        file.once("error", fail);
        if (decrypted !== file) decrypted.once("error", fail);
        // A consumer that stops early must not leave the file open.
        gunzip.once("close", () => file.destroy());
        decrypted.pipe(gunzip);
      },
      (err: unknown) => gunzip.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    return gunzip;
  }

  async function verify(sha256: string): Promise<VerifyResult> {
    assertBlobId(sha256);
    const hash = createHash("sha256");
    const sealed = await encryption();
    try {
      const hashing = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback();
        },
      });
      await pipeline([
        createReadStream(blobPath(sha256, sealed)),
        ...(sealed ? [opening(sealed.contentKey)] : []),
        createGunzip(),
        hashing,
      ]);
    } catch (err) {
      const code = errorCode(err) ?? "";
      if (code === "ENOENT") return { ok: false, actual: null, error: `The blob file for ${sha256} is missing from the store.` };
      if (code === BLOB_CIPHER_ERROR)
        return {
          ok: false,
          actual: null,
          error: `The stored file is damaged: ${errorMessage(err)} (the encrypted content cannot be opened).`,
        };
      if (code.startsWith("Z_"))
        return {
          ok: false,
          actual: null,
          error: `The stored file is damaged: its gzip stream cannot be decompressed (${errorMessage(err)}).`,
        };
      if (code === "EIO") return { ok: false, actual: null, error: `The stored file cannot be read from disk (${errorMessage(err)}).` };
      throw err; // e.g. EMFILE or EACCES: a problem of this machine, not proof that the blob is bad
    }
    const actual = hash.digest("hex");
    if (actual === sha256) return { ok: true, actual };
    return { ok: false, actual, error: `The stored content hashes to ${actual} instead of ${sha256}: the file was altered.` };
  }

  async function cleanTemporary(cleanOptions: { olderThanMs?: number } = {}): Promise<number> {
    // Run once at start-up: an encrypted store's key is made here the first time, and a wrong or missing key said.
    await encryption();
    const names = await readdirOrEmpty(tmpDir);
    let removed = 0;
    // With olderThanMs (a folder shared by several dashboards, issue 16): younger leftovers may be another's writes.
    const cutoff = cleanOptions.olderThanMs === undefined ? null : Date.now() - cleanOptions.olderThanMs;
    for (const name of names) {
      if (active.has(name)) continue;
      const full = path.join(tmpDir, name);
      if (cutoff !== null && ((await stat(full).catch(() => null))?.mtimeMs ?? 0) > cutoff) continue;
      if (name.startsWith(`worker-${process.pid}-`)) {
        // A folder of this process's own blob workers: only what no running write uses.
        for (const inner of await readdirOrEmpty(full)) {
          if (pool?.active.has(inner)) continue;
          await rm(path.join(full, inner), { force: true });
          removed += 1;
        }
        continue;
      }
      await rm(full, { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  async function totalStoredBytes(): Promise<number> {
    let total = 0;
    for (const shard of await readdirOrEmpty(blobsDir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const shardDir = path.join(blobsDir, shard);
      const names = (await readdirOrEmpty(shardDir)).filter(isBlobFileName);
      const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(shardDir, n))).size));
      for (const s of sizes) total += s;
    }
    return total;
  }

  return {
    // Small records beside the blobs (the chunked store's recipes, under recipes/).
    ...createFileMetaStore(rootDir, { fileMode: FILE_MODE, dirMode: DIR_MODE }, metaCodec(encryption)),
    root: rootDir,
    location: rootDir,
    put,
    putDeferred,
    putFile,
    open: openBlob,
    verify,
    cleanTemporary,
    totalStoredBytes,
    async encryption() {
      return (await encryption()) ? "encrypted" : "unencrypted";
    },
    async objectName(sha256) {
      assertBlobId(sha256);
      return `blobs/${blobObjectName(await encryption(), sha256)}`;
    },
    async remove(sha256) {
      assertBlobId(sha256);
      const file = blobPath(sha256, await encryption());
      try {
        const { size } = await stat(file);
        await unlink(file);
        return size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw err;
      }
    },
    async quarantine(sha256) {
      assertBlobId(sha256);
      const file = blobPath(sha256, await encryption());
      const damagedDir = path.join(rootDir, "damaged");
      await mkdir(damagedDir, { recursive: true, mode: DIR_MODE });
      try {
        await rename(file, path.join(damagedDir, `${path.basename(file)}.${Date.now()}`));
        return true;
      } catch (err) {
        if (errorCode(err) === "ENOENT") return false;
        throw err;
      }
    },
    async has(sha256) {
      assertBlobId(sha256);
      return exists(blobPath(sha256, await encryption()));
    },
    async stat(sha256) {
      assertBlobId(sha256);
      const storedBytes = await storedSize(blobPath(sha256, await encryption()));
      return storedBytes === null ? null : { storedBytes };
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (err) {
    if (errorCode(err) === "ENOENT") return false;
    throw err;
  }
}

/** A regular file's size, or null when there is none. */
async function storedSize(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : null;
  } catch (err) {
    if (errorCode(err) === "ENOENT") return null;
    throw err;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errorCode(err) === "ENOENT") return [];
    throw err;
  }
}

/** Makes a rename/link in `dir` survive a power loss. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot fsync a directory; the blob itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string") return err.code;
  return undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isNoSpace(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ENOSPC" || code === "EDQUOT";
}
