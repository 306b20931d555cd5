import { createHash, randomUUID } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { AppError } from "@/lib/api/app-error";
import { assertBlobId, DEFAULT_COMPRESSION_LEVEL, type BlobStore, type DeferredPut, type PutOptions, type PutResult } from "../blob-store";
import { createBlobWriterPool, type BlobTask, type BlobWriterPool, type StoredFileStats } from "../blob-writer-pool";
import { BLOB_CIPHER_ERROR, opening, sealing } from "../crypto/blob-cipher.mjs";
import { s3KeyRecord } from "../crypto/key-record-access";
import { blobObjectName, lazyEncryption, openStoreEncryption, type StoreEncryption } from "../crypto/open-store-encryption";
import { gzipContent } from "../gzip-content";
import { mapS3Error, s3ErrorName, s3Status } from "./map-s3-error";
import type { S3StoreLocation } from "./parse-store-url";
import { metaCodec, type MetaStore } from "../meta-store";
import { createS3MetaStore } from "./s3-meta-store";
import { listKeys as listAll } from "./list-keys";
import { createPacks } from "./packs";
import { createSignedPut } from "./signed-put";

/**
 * The content store on an S3 object store (Ceph RGW, AWS S3, Garage, SeaweedFS, MinIO...), behind the same BlobStore
 * interface and with the same guarantees as the filesystem store (blob-store.ts), keyed under `prefix`:
 *
 *   packs/, index/, layout.json       small contents (stored bytes up to `packEntryBytes`), packed together: packs.ts
 *   blobs/<first 2 hex>/<sha256>.gz   each larger distinct content once, gzip as in the filesystem store, named by the
 *                                     SHA-256 of the uncompressed bytes (a packed content has the same name in its index)
 *   tmp/<random>                      large contents being streamed (multipart uploads), copied to their name once hashed
 *   damaged/<sha256>.gz.<time>        blobs verification found damaged, moved aside
 *   keys/repository.json              only in an encrypted store (KURA_STORE_KEY_FILE), as in the filesystem store;
 *                                     blobs are then blobs/<2 hex>/<keyed name>.enc, sealed (crypto/blob-cipher.mjs)
 *
 * Written completely or not at all: a blob's key is only ever created by one request that carries the whole content.
 * A content is hashed and compressed as it streams; up to `singlePutBytes` compressed it is held in memory and put
 * once, with `If-None-Match: *`, so of concurrent writers of the same content exactly one creates it and the others
 * get 412 (already there: not new). Larger contents stream as a multipart upload to a tmp/ key (nothing is visible
 * under blobs/ until it completes), then are copied server-side to their name, also with `If-None-Match: *`, and the
 * tmp/ key is deleted. An aborted or failed put aborts its multipart upload; a killed process leaves at most an
 * unfinished upload or a tmp/ key, which cleanTemporary removes once older than `tmpMaxAgeMs` (another dashboard on
 * the same bucket may be writing the younger ones).
 *
 * Bundle imports spool to a local folder (`root`/tmp), as with the filesystem store.
 */
export type S3BlobStoreOptions = S3StoreLocation & {
  /** Local folder for spooled uploads (bundle imports): `<root>/tmp`. */
  root: string;
  /** The S3 client's settings; endpoint, region and credentials otherwise come from the AWS variables and files. */
  client?: S3ClientConfig;
  /** Shown in messages (which endpoint). */
  endpointLabel?: string;
  compressionLevel?: number;
  /** Contents whose stored bytes are at most this go into packs (packs.ts); default 1 MiB, 0: none. */
  packEntryBytes?: number;
  /** A pack is written once it holds this many bytes; default 16 MiB. */
  packBytes?: number;
  /** Compressed contents up to this size are put whole (conditional PutObject); larger ones go multipart. */
  singlePutBytes?: number;
  /** Multipart part size (at least 5 MiB, S3's minimum). */
  partBytes?: number;
  /** Largest tmp/ object copied with one CopyObject (S3 allows 5 GiB); larger ones are copied part by part. */
  singleCopyBytes?: number;
  /** cleanTemporary leaves younger leftovers (another dashboard's writes in progress) alone. */
  tmpMaxAgeMs?: number;
  /** KURA_STORE_KEY_FILE: encrypt the store under a repository key wrapped by this file (see ../crypto/). */
  keyFile?: string | undefined;
  /**
   * Small contents' conditional creates signed and sent without the SDK's request stack (signed-put.ts: a quarter of its
   * CPU per request), when the client has an explicit endpoint. Default true; false: every request through the SDK.
   */
  signedPuts?: boolean;
};

const MIB = 1024 * 1024;
/** Uploads (and the compressed bytes they hold) in flight at once, for the whole store. */
const UPLOADS_IN_FLIGHT = 24;
/** Parts of one multipart upload in flight at once. */
const PARTS_IN_FLIGHT = 4;

/** Runs at most `limit` of the given tasks at once; `acquire` hands back the release. */
function slots(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (): Promise<() => void> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running -= 1;
      waiting.shift()?.();
    };
  };
}

/** The S3 store, with where each content's bytes are (for tests and for people looking at a bucket). */
export type S3BlobStore = BlobStore &
  MetaStore & {
    /** The object holding the content's stored bytes, and where in it (a pack holds many); null when not stored. */
    whereStored(sha256: string): Promise<{ key: string; offset: number; length: number } | null>;
    /** The names (as objectName gives them, without blobs/) of every stored content, packed or not. */
    storedNames(): Promise<string[]>;
  };

export function createS3BlobStore(options: S3BlobStoreOptions): S3BlobStore {
  const { bucket, prefix } = options;
  const compressionLevel = options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL;
  const singlePutBytes = options.singlePutBytes ?? 16 * MIB;
  const packEntryBytes = options.packEntryBytes ?? MIB;
  const partBytes = Math.max(5 * MIB, options.partBytes ?? 8 * MIB);
  const singleCopyBytes = options.singleCopyBytes ?? 5 * 1024 * MIB;
  const tmpMaxAgeMs = options.tmpMaxAgeMs ?? 3600_000;
  const rootDir = path.resolve(options.root);
  const spoolDir = path.join(rootDir, "tmp");
  const endpointLabel = options.endpointLabel ?? endpointOf(options.client) ?? "the default S3 endpoint";
  const location = `s3://${bucket}/${prefix} at ${endpointLabel}`;
  const context = { location, bucket };
  const client = new S3Client({
    forcePathStyle: true,
    // Other S3 stores (Ceph before Squid among them) do not take the SDK's newer default trailing checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: 5000, requestTimeout: 300_000 },
    ...options.client,
  });
  const uploadSlot = slots(UPLOADS_IN_FLIGHT);
  const configuredEndpoint = options.client?.endpoint;
  const signedPut =
    options.signedPuts === false
      ? null
      : createSignedPut(
          client,
          typeof configuredEndpoint === "string" || configuredEndpoint instanceof URL ? String(configuredEndpoint) : undefined,
          bucket,
        );
  // Worker threads read, hash and compress (and seal) whole small contents (and confined files) off the event loop;
  // made once the store's encryption is known.
  let pool: BlobWriterPool | null = null;
  const poolFor = (sealed: StoreEncryption | null) =>
    (pool ??= createBlobWriterPool({
      blobsDir: path.join(rootDir, "unused"),
      tmpDir: spoolDir,
      compressionLevel,
      fileMode: 0o600,
      dirMode: 0o700,
      output: "compressed",
      encryption: sealed,
    }));
  // tmp/ keys of puts running in this process, so cleanTemporary never deletes one from under a put.
  const active = new Set<string>();

  const blobKey = (sha256: string, sealed: StoreEncryption | null) => `${prefix}blobs/${blobObjectName(sealed, sha256)}`;
  // A sealed object says nothing of its content, not even its size.
  const described = (key: string, size: number) =>
    key.endsWith(".enc")
      ? { ContentType: "application/octet-stream" }
      : { ContentType: "application/gzip", Metadata: { "kura-size": String(size) } };
  const tmpPrefix = `${prefix}tmp/`;

  /** Awaits a request, mapping the object store's failures to AppErrors. */
  const guard = async <T>(request: Promise<T>): Promise<T> => {
    try {
      return await request;
    } catch (error) {
      throw mapS3Error(error, context);
    }
  };
  const aborting = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});

  let bucketReady: Promise<void> | null = null;
  /** Creates the bucket when it is missing (once per process; retried after a failure). */
  const ready = () => {
    bucketReady ??= (async () => {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return;
      } catch (error) {
        if (s3Status(error) !== 404 && s3ErrorName(error) !== "NotFound" && s3ErrorName(error) !== "NoSuchBucket")
          throw mapS3Error(error, context);
      }
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (s3ErrorName(error) === "BucketAlreadyOwnedByYou") return; // another dashboard made it meanwhile
        const mapped = mapS3Error(error, context);
        if (!(mapped instanceof AppError) || mapped.code === "store_unreachable") throw mapped;
        throw new AppError(
          502,
          "store_bucket_missing",
          `The bucket "${bucket}" does not exist at ${endpointLabel} and Kura could not create it (${s3ErrorName(error) ?? "refused"}). ` +
            "Create it, or give Kura's credentials the right to (s3:CreateBucket).",
        );
      }
    })().catch((error: unknown) => {
      bucketReady = null;
      throw error;
    });
    return bucketReady;
  };

  const encryption = lazyEncryption(async () => {
    await ready();
    return openStoreEncryption({
      keyFile: options.keyFile,
      location,
      access: s3KeyRecord({ client, bucket, prefix, status: s3Status, mapError: (error) => mapS3Error(error, context) }),
    });
  });
  const codec = metaCodec(encryption);
  const packs = createPacks({
    client,
    bucket,
    prefix,
    codec,
    sealed: async () => (await encryption()) !== null,
    ready,
    mapError: (error) => mapS3Error(error, context),
    explainUpload: (error) => explainUploadFailure(error),
    packBytes: options.packBytes ?? 16 * MIB,
  });

  /**
   * Stores a content's stored bytes: in a pack when small, else as an object of its own. `durable` resolves once
   * stored; the upload slot is given back as soon as a pack holds the bytes (the pack bounds them from there).
   */
  async function store(sha256: string, size: number, body: Uint8Array, sealed: StoreEncryption | null, release: () => void) {
    const key = blobKey(sha256, sealed);
    if (body.byteLength > packEntryBytes) return createBlob(key, sha256, body, size).finally(release);
    try {
      const packed = await packs.put(blobObjectName(sealed, sha256), Buffer.from(body.buffer, body.byteOffset, body.byteLength), () =>
        headSize(key),
      );
      return packed.durable.then((result) => ({ sha256, size, ...result }));
    } finally {
      release();
    }
  }

  /** The content's stored bytes as a stream: a range of its pack, or its own object. */
  async function readStored(sha256: string, sealed: StoreEncryption | null): Promise<Readable> {
    const packed = await packs.open(blobObjectName(sealed, sha256));
    if (packed) return packed;
    return (await client.send(new GetObjectCommand({ Bucket: bucket, Key: blobKey(sha256, sealed) }))).Body as Readable;
  }

  /**
   * An upload cut off by the store (EPIPE, ECONNRESET) while the store still answers is not "the store is down": it
   * closed the connection on this object, which radosgw does when it refuses the body part-way (a quota reached while
   * the body was being sent). Said as such, so a person looks at quotas and limits rather than at the network.
   */
  async function explainUploadFailure(error: unknown): Promise<unknown> {
    const mapped = mapS3Error(error, context);
    if (!(mapped instanceof AppError) || mapped.code !== "store_unreachable" || !/\((EPIPE|ECONNRESET)\)/.test(mapped.message))
      return mapped;
    const answers = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => true,
      () => false,
    );
    if (!answers) return mapped;
    return new AppError(
      507,
      "store_upload_refused",
      `The object store (${location}) closed the connection while receiving an object, though it answers otherwise: it refuses ` +
        "the object, most likely because a quota or size limit is reached. Check the bucket's and the user's quota, then run the archive again.",
    );
  }

  /** The stored object's size, or null when there is none. */
  async function headSize(key: string): Promise<number | null> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (s3Status(error) === 404) return null;
      throw mapS3Error(error, context);
    }
  }

  /**
   * Creates blobs/<sha256> from `body` unless it exists: `If-None-Match: *` makes the create atomic, so of concurrent
   * writers exactly one gets isNew (a 409 ConditionalRequestConflict, two creates at once, is tried again).
   */
  async function createBlob(key: string, sha256: string, body: Uint8Array, size: number): Promise<PutResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        const description = described(key, size);
        if (signedPut)
          await signedPut(key, body, {
            "content-type": description.ContentType,
            ...Object.fromEntries(Object.entries(description.Metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value])),
          });
        else
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentLength: body.byteLength,
              IfNoneMatch: "*",
              ...description,
            }),
          );
        return { sha256, size, storedBytes: body.byteLength, isNew: true };
      } catch (error) {
        if (s3Status(error) === 412) return { sha256, size, storedBytes: (await headSize(key)) ?? body.byteLength, isNew: false };
        if (s3Status(error) === 409 && attempt < 3) continue;
        throw await explainUploadFailure(error);
      }
    }
  }

  /** Copies a finished tmp/ object to blobs/<sha256> unless that exists, then deletes the tmp/ object. */
  async function publishTmp(tmpKey: string, key: string, sha256: string, size: number, storedBytes: number): Promise<PutResult> {
    try {
      const existing = await headSize(key);
      if (existing !== null) return { sha256, size, storedBytes: existing, isNew: false };
      try {
        if (storedBytes <= singleCopyBytes)
          await client.send(
            new CopyObjectCommand({
              Bucket: bucket,
              Key: key,
              CopySource: `${bucket}/${tmpKey}`,
              IfNoneMatch: "*",
              MetadataDirective: "REPLACE",
              ...described(key, size),
            }),
          );
        else await copyInParts(tmpKey, key, storedBytes, size);
      } catch (error) {
        if (s3Status(error) === 412) return { sha256, size, storedBytes: (await headSize(key)) ?? storedBytes, isNew: false };
        throw mapS3Error(error, context);
      }
      return { sha256, size, storedBytes, isNew: true };
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: tmpKey })).catch(() => undefined);
      active.delete(tmpKey);
    }
  }

  /** A server-side copy of an object over 5 GiB (CopyObject's limit), part by part, completed with If-None-Match. */
  async function copyInParts(fromKey: string, toKey: string, storedBytes: number, size: number): Promise<void> {
    const copyPart = Math.max(partBytes, Math.ceil(storedBytes / 9000));
    const created = await guard(
      client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: toKey,
          ...described(toKey, size),
        }),
      ),
    );
    const uploadId = created.UploadId!;
    try {
      const parts: { PartNumber: number; ETag: string }[] = [];
      for (let start = 0, number = 1; start < storedBytes; start += copyPart, number++) {
        const end = Math.min(storedBytes, start + copyPart) - 1;
        const copied = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: toKey,
            UploadId: uploadId,
            PartNumber: number,
            CopySource: `${bucket}/${fromKey}`,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ PartNumber: number, ETag: copied.CopyPartResult?.ETag ?? "" });
      }
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: toKey,
          UploadId: uploadId,
          IfNoneMatch: "*",
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: toKey, UploadId: uploadId })).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Streams `source` through hash and gzip. Small: resolves with the compressed bytes held, `durable` puts them.
   * Large: a multipart upload to a tmp/ key, complete when this resolves; `durable` copies it to its name.
   */
  async function write(source: Readable, putOptions: PutOptions): Promise<DeferredPut> {
    const { signal, onBytes } = putOptions;
    const release = await uploadSlot();
    const onAbort = () => source.destroy(signal?.reason instanceof Error ? signal.reason : abortError());
    let multipart: { key: string; uploadId: string } | null = null;
    try {
      signal?.throwIfAborted();
      signal?.addEventListener("abort", onAbort, { once: true });
      await ready();
      const sealed = await encryption();
      const content = gzipContent(source, { compressionLevel, ...(onBytes ? { onBytes } : {}) });
      const stored = sealed ? sealing(sealed.contentKey)(content.chunks) : content.chunks;
      let held: Buffer[] = [];
      let heldBytes = 0;
      let uploadedBytes = 0;
      let partNumber = 0;
      const parts: { PartNumber: number; ETag: string }[] = [];
      const partSlot = slots(PARTS_IN_FLIGHT);
      const sending: Promise<void>[] = [];
      let partError: unknown = null;
      const sendPart = async (body: Buffer) => {
        const upload = multipart!;
        const number = ++partNumber;
        const releasePart = await partSlot();
        if (partError) throw partError;
        const sent = guard(
          client.send(
            new UploadPartCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId, PartNumber: number, Body: body }),
            aborting(signal),
          ),
        )
          .then((answer) => void parts.push({ PartNumber: number, ETag: answer.ETag ?? "" }))
          .catch((error: unknown) => {
            partError ??= error;
          })
          .finally(releasePart);
        sending.push(sent);
        uploadedBytes += body.byteLength;
      };
      for await (const chunk of stored) {
        if (partError) throw partError;
        held.push(chunk);
        heldBytes += chunk.byteLength;
        if (!multipart && heldBytes <= singlePutBytes) continue;
        if (!multipart) {
          const key = `${tmpPrefix}${randomUUID()}`;
          active.add(key);
          const created = await guard(
            client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/gzip" }), aborting(signal)),
          );
          multipart = { key, uploadId: created.UploadId! };
        }
        while (heldBytes >= partBytes) {
          const all = Buffer.concat(held, heldBytes);
          held = [all.subarray(partBytes)];
          heldBytes -= partBytes;
          await sendPart(all.subarray(0, partBytes));
        }
      }
      const { sha256, size } = content.digest();
      signal?.removeEventListener("abort", onAbort);
      if (!multipart) {
        const durable = store(sha256, size, Buffer.concat(held, heldBytes), sealed, release);
        durable.catch(() => undefined);
        return { sha256, size, durable };
      }
      if (heldBytes > 0 || partNumber === 0) await sendPart(Buffer.concat(held, heldBytes));
      await Promise.all(sending);
      if (partError) throw partError;
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      const upload: { key: string; uploadId: string } = multipart;
      await guard(
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            MultipartUpload: { Parts: parts },
          }),
          aborting(signal),
        ),
      );
      multipart = null; // complete: from here the tmp/ object is publishTmp's to delete
      const durable = publishTmp(upload.key, blobKey(sha256, sealed), sha256, size, uploadedBytes).finally(release);
      return { sha256, size, durable };
    } catch (error) {
      signal?.removeEventListener("abort", onAbort);
      source.destroy();
      release();
      const upload: { key: string; uploadId: string } | null = multipart;
      if (upload) {
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }))
          .catch(() => undefined);
        active.delete(upload.key);
      }
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
      throw await explainUploadFailure(error);
    }
  }

  type Whole =
    | { skip: "missing" | "not-a-file" | "outside" | "changed" | "too-large" }
    | { sha256: string; size: number; stats: StoredFileStats | null; durable: Promise<PutResult> };

  /** Whole contents (bytes, or a file read confined) are hashed and compressed by the worker threads, then put. */
  async function putWhole(task: BlobTask, putOptions: PutOptions): Promise<Whole> {
    putOptions.signal?.throwIfAborted();
    const release = await uploadSlot();
    try {
      await ready();
      const sealed = await encryption();
      const result = await poolFor(sealed).run(task, putOptions.signal);
      if ("skip" in result) {
        release();
        return { skip: result.skip };
      }
      putOptions.onBytes?.(result.size);
      const durable = store(result.sha256, result.size, result.compressed!, sealed, release);
      durable.catch(() => undefined);
      return { sha256: result.sha256, size: result.size, stats: result.stats, durable };
    } catch (error) {
      release();
      throw mapS3Error(error, context);
    }
  }

  async function putDeferred(source: Readable | Buffer, putOptions: PutOptions = {}): Promise<DeferredPut> {
    if (!Buffer.isBuffer(source)) {
      const written = await write(source, putOptions);
      written.durable.catch(() => undefined);
      return written;
    }
    const whole = await putWhole({ bytes: new Uint8Array(source) }, putOptions);
    if ("skip" in whole) throw new Error(`the blob writer skipped bytes (${whole.skip})`);
    return { sha256: whole.sha256, size: whole.size, durable: whole.durable };
  }

  function openBlob(sha256: string): Readable {
    assertBlobId(sha256);
    const out = new PassThrough();
    let sealed: StoreEncryption | null = null;
    encryption()
      .then((opened) => {
        sealed = opened;
        return readStored(sha256, opened);
      })
      .then((body) => pipeline([body, ...(sealed ? [opening(sealed.contentKey)] : []), createGunzip(), out]))
      .catch((error: unknown) => {
        out.destroy(
          s3Status(error) === 404
            ? new AppError(404, "blob_not_found", `No stored content has the id ${sha256}.`)
            : (mapS3Error(error, context) as Error),
        );
      });
    return out;
  }

  async function verify(sha256: string) {
    assertBlobId(sha256);
    const hash = createHash("sha256");
    const sealed = await encryption();
    let body: Readable;
    try {
      body = await readStored(sha256, sealed);
    } catch (error) {
      if (s3Status(error) === 404) return { ok: false, actual: null, error: `The blob object for ${sha256} is missing from the store.` };
      throw mapS3Error(error, context); // the store does not answer: no proof that the blob is bad
    }
    try {
      const hashing = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          callback();
        },
      });
      await pipeline([body, ...(sealed ? [opening(sealed.contentKey)] : []), createGunzip(), hashing]);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === BLOB_CIPHER_ERROR)
        return {
          ok: false,
          actual: null,
          error: `The stored object is damaged: ${error instanceof Error ? error.message : code} (the encrypted content cannot be opened).`,
        };
      if (typeof code === "string" && code.startsWith("Z_"))
        return {
          ok: false,
          actual: null,
          error: `The stored object is damaged: its gzip stream cannot be decompressed (${error instanceof Error ? error.message : code}).`,
        };
      throw mapS3Error(error, context);
    }
    const actual = hash.digest("hex");
    if (actual === sha256) return { ok: true, actual };
    return { ok: false, actual, error: `The stored content hashes to ${actual} instead of ${sha256}: the object was altered.` };
  }

  const listKeys = (keyPrefix: string) => listAll(client, bucket, keyPrefix, (error) => mapS3Error(error, context));

  async function cleanTemporary(cleanOptions: { olderThanMs?: number } = {}): Promise<number> {
    const olderThan = Date.now() - (cleanOptions.olderThanMs ?? tmpMaxAgeMs);
    let removed = 0;
    // The local spool (bundle imports).
    for (const name of await readdir(spoolDir).catch(() => [] as string[])) {
      if (name.startsWith(`worker-${process.pid}-`)) continue;
      await rm(path.join(spoolDir, name), { recursive: true, force: true });
      removed += 1;
    }
    await ready();
    await encryption(); // at start-up: an encrypted store's key is made the first time, a wrong or missing key said
    removed += await packs.cleanOrphans(olderThan);
    for await (const item of listKeys(tmpPrefix)) {
      if (active.has(item.key) || (item.modified && item.modified.getTime() > olderThan)) continue;
      await guard(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: item.key })));
      removed += 1;
    }
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await guard(
        client.send(
          new ListMultipartUploadsCommand({
            Bucket: bucket,
            Prefix: prefix,
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
        ),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || active.has(upload.Key)) continue;
        if (upload.Initiated && upload.Initiated.getTime() > olderThan) continue;
        await guard(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId })));
        removed += 1;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  return {
    // Small records beside the blobs (the chunked store's recipes, under <prefix>recipes/).
    ...createS3MetaStore({ client, bucket, prefix, ready, mapError: (error) => mapS3Error(error, context), codec }),
    root: rootDir,
    location,
    async put(source, putOptions = {}) {
      const written = await putDeferred(source, putOptions);
      return written.durable;
    },
    putDeferred,
    async putFile(file, putOptions) {
      const whole = await putWhole({ file, confineTo: putOptions.confineTo ?? null, maxBytes: putOptions.maxBytes }, putOptions);
      if ("skip" in whole) return { skip: whole.skip };
      const stored = await whole.durable;
      return { ...stored, stats: whole.stats! };
    },
    open: openBlob,
    verify,
    cleanTemporary,
    async totalStoredBytes() {
      await ready();
      let total = await packs.storedBytes();
      for await (const item of listKeys(`${prefix}blobs/`)) if (item.key.endsWith(".gz") || item.key.endsWith(".enc")) total += item.size;
      return total;
    },
    async encryption() {
      return (await encryption()) ? "encrypted" : "unencrypted";
    },
    async objectName(sha256) {
      assertBlobId(sha256);
      return `blobs/${blobObjectName(await encryption(), sha256)}`;
    },
    async remove(sha256) {
      assertBlobId(sha256);
      await ready();
      const sealed = await encryption();
      const removed = await packs.remove(blobObjectName(sealed, sha256));
      // A packed content has no object of its own too, unless the store held stand-alone small contents before packing.
      if (removed !== null && packs.packedFromStart()) return removed;
      const packed = removed ?? 0;
      const key = blobKey(sha256, sealed);
      const size = await headSize(key);
      if (size === null) return packed;
      await guard(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      return packed + size;
    },
    async quarantine(sha256) {
      assertBlobId(sha256);
      await ready();
      const sealed = await encryption();
      const key = blobKey(sha256, sealed);
      const damagedKey = `${prefix}damaged/${key.slice(key.lastIndexOf("/") + 1)}.${Date.now()}`;
      const packed = await packs.quarantine(blobObjectName(sealed, sha256), damagedKey);
      if (packed && (await headSize(key)) === null) return true;
      try {
        await client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: damagedKey,
            CopySource: `${bucket}/${key}`,
          }),
        );
      } catch (error) {
        if (s3Status(error) === 404) return packed;
        throw mapS3Error(error, context);
      }
      await guard(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      return true;
    },
    async has(sha256) {
      assertBlobId(sha256);
      await ready();
      const sealed = await encryption();
      if (await packs.locateConfirmed(blobObjectName(sealed, sha256))) return true;
      return (await headSize(blobKey(sha256, sealed))) !== null;
    },
    async stat(sha256) {
      assertBlobId(sha256);
      await ready();
      const sealed = await encryption();
      const packed = await packs.locateConfirmed(blobObjectName(sealed, sha256));
      if (packed) return { storedBytes: packed.length };
      const storedBytes = await headSize(blobKey(sha256, sealed));
      return storedBytes === null ? null : { storedBytes };
    },
    async whereStored(sha256) {
      assertBlobId(sha256);
      await ready();
      const sealed = await encryption();
      const packed = await packs.locateConfirmed(blobObjectName(sealed, sha256));
      if (packed) return { key: packs.packKey(packed.packId), offset: packed.offset, length: packed.length };
      const key = blobKey(sha256, sealed);
      const storedBytes = await headSize(key);
      return storedBytes === null ? null : { key, offset: 0, length: storedBytes };
    },
    async storedNames() {
      await ready();
      const names = (await packs.list()).map((entry) => entry.name);
      for await (const item of listKeys(`${prefix}blobs/`)) names.push(item.key.slice(`${prefix}blobs/`.length));
      return names.sort();
    },
  };
}

function endpointOf(config: S3ClientConfig | undefined): string | undefined {
  const endpoint = config?.endpoint;
  return typeof endpoint === "string" ? endpoint : undefined;
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}
