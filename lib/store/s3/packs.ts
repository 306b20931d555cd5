import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import { mapLimit } from "@/lib/concurrency/map-limit";
import type { MetaCodec } from "../meta-store";
import { listKeys } from "./list-keys";
import { s3Status } from "./map-s3-error";

/**
 * Small contents packed together in the object store (as restic and kopia do): one object per content costs the
 * object store a request and its per-object bookkeeping (radosgw: a bucket index update per object), which for
 * 10,000 small files is most of an archive's time. So contents whose stored bytes are small are written back to
 * back into pack objects of about `packBytes`, and each pack gets an index object saying which content is where:
 *
 *   packs/<32 hex>                              the stored bodies (gzip, or sealed gzip) back to back, random names
 *   index/<13-digit ms>-<32 hex>.json (.enc)    that pack's entries: [blob name, offset, length]; sealed like a record
 *                                               in an encrypted store, so it says nothing of what is stored
 *   layout.json                                 "small contents are packed here from the start" (see below)
 *
 * A pack is written whole (one PutObject), then its index; a content is stored (its put resolves) only once both
 * are. A process killed in between leaves a pack without index, which nobody reads and cleanOrphans removes.
 * Packs are never rewritten: removing a content rewrites only its pack's index, conditionally (If-Match on the
 * index's ETag, so two dashboards removing from one pack do not undo each other), and the pack itself is deleted
 * once its index is empty. A pack's bytes of removed contents stay until then (no repacking).
 *
 * Each dashboard keeps the indexes in memory (loaded at first use, listed again when a name is missing, since another
 * dashboard may have written it). A content found there is trusted only after its index is seen unchanged (a HEAD,
 * shared by every put that waits on the same pack), since another dashboard may have removed it.
 *
 * Stores made before packing hold small contents as objects of their own (blobs/…). Those keep working; a store that
 * has any blobs/ object and no layout.json is such an older one, and there a content missing from the indexes is
 * looked up as its own object too before it is packed (so deduplication holds across the change).
 */

export type PackedEntry = { packId: string; offset: number; length: number };
/** What a packed put gives: `durable` resolves once the content's pack and index are stored. */
export type PackedPut = { durable: Promise<{ isNew: boolean; storedBytes: number }> };

export type PacksOptions = {
  client: S3Client;
  bucket: string;
  prefix: string;
  /** Seals and opens the index objects as the store's records (plain in an unencrypted store). */
  codec: MetaCodec;
  /** Whether the store is encrypted (the index objects' names end in .enc then). */
  sealed: () => Promise<boolean>;
  /** Resolves once the bucket exists. */
  ready: () => Promise<void>;
  /** Maps the object store's failures to AppErrors (uploads: with the quota explanation). */
  mapError: (error: unknown) => unknown;
  explainUpload: (error: unknown) => Promise<unknown>;
  /** A pack is written once it holds this many bytes (or when puts pause). */
  packBytes: number;
};

const INDEX_NAME = /^(\d{13})-([0-9a-f]{32})\.(json|enc)$/;
const PACK_NAME = /^[0-9a-f]{32}$/;
const BLOB_NAME = /^[0-9a-f]{2}\/[0-9a-f]{64}\.(gz|enc)$/;
/** A pack is written this long after the last content joined it, when it is not full. */
const IDLE_FLUSH_MS = 25;
/** ... and at the latest this long after its first content. */
const MAX_WAIT_MS = 1000;
/** Packs written at once; more full packs than that (plus the open one) make puts wait. */
const FLUSHES_IN_FLIGHT = 3;
/** A pack is written once it holds this many contents too (its index stays a few MB at most). */
const MAX_ENTRIES = 20_000;
/** Index objects read at once when loading. */
const LOADS_IN_FLIGHT = 16;
/** A listing after the first looks this far back in index names, for other dashboards' clocks and slow writes. */
const LIST_MARGIN_MS = 15 * 60_000;

const indexSchema = z.object({
  kura: z.literal("pack-index"),
  version: z.literal(1),
  pack: z.string().regex(PACK_NAME),
  /** The pack object's size (what it costs whatever its index still names). */
  size: z.number().int().nonnegative().optional(),
  entries: z.array(z.tuple([z.string().regex(BLOB_NAME), z.number().int().nonnegative(), z.number().int().positive()])),
});
type IndexBody = z.infer<typeof indexSchema>;

type PackInfo = {
  indexKey: string;
  etag: string | undefined;
  names: Set<string>;
  /** A HEAD of the index in flight, with the tick it started at. */
  confirming: { tick: number; done: Promise<void> } | null;
};

type OpenPack = {
  id: string;
  parts: Buffer[];
  bytes: number;
  entries: { name: string; offset: number; length: number }[];
  done: Promise<void>;
  settle: { resolve: () => void; reject: (error: unknown) => void };
  timer: NodeJS.Timeout | null;
  firstAt: number;
};

export function createPacks(options: PacksOptions) {
  const { client, bucket, prefix, codec, ready, mapError } = options;
  const indexPrefix = `${prefix}index/`;
  const packKey = (id: string) => `${prefix}packs/${id}`;
  const layoutKey = `${prefix}layout.json`;

  const entries = new Map<string, PackedEntry>();
  const packs = new Map<string, PackInfo>();
  const knownIndexKeys = new Set<string>();
  /** Names in packs not yet stored: a second put of one waits for the first. */
  const pending = new Map<string, Promise<{ storedBytes: number }>>();
  /** Packs being written by this process (cleanOrphans leaves them alone). */
  const writing = new Set<string>();
  /** Per pack, the removals waiting for its index to be rewritten (see drop). */
  const dropQueues = new Map<
    string,
    {
      waiting: { names: string[]; resolve: (freed: number) => void; reject: (error: unknown) => void }[];
      running: Promise<void>;
      scheduled: boolean;
    }
  >();
  let open: OpenPack | null = null;
  let flushing = 0;
  const flushWaiters: (() => void)[] = [];

  // Ticks order "this call started" against "that listing or HEAD started": a reader needs one started after it.
  let clock = 0;
  const tick = () => ++clock;

  const send = async <T>(request: Promise<T>): Promise<T> => {
    try {
      return await request;
    } catch (error) {
      throw mapError(error);
    }
  };

  // ---- the indexes, in memory ----

  /** `takeOver`: this pack's contents are read from it from now on (a repacked pack's copies), not from another. */
  function register(indexKey: string, etag: string | undefined, body: IndexBody, takeOver = false): void {
    const previous = packs.get(body.pack);
    if (previous) for (const name of previous.names) if (entries.get(name)?.packId === body.pack) entries.delete(name);
    const names = new Set<string>();
    for (const [name, offset, length] of body.entries) {
      names.add(name);
      // The first pack seen holding a content keeps it (two dashboards may have packed the same content at once).
      const held = entries.get(name);
      if (takeOver || !held || held.packId === body.pack || !packs.has(held.packId))
        entries.set(name, { packId: body.pack, offset, length });
    }
    packs.set(body.pack, {
      indexKey,
      etag,
      names,
      confirming: previous?.confirming ?? null,
    });
  }

  function forget(packId: string): void {
    const info = packs.get(packId);
    if (!info) return;
    for (const name of info.names) if (entries.get(name)?.packId === packId) entries.delete(name);
    packs.delete(packId);
  }

  /** Reads one index object; null when it is gone. A malformed one is skipped (nothing in it is trusted). */
  async function readIndex(indexKey: string): Promise<{ etag: string | undefined; body: IndexBody | null } | null> {
    let answer;
    try {
      answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: indexKey }));
    } catch (error) {
      if (s3Status(error) === 404) return null;
      throw mapError(error);
    }
    const stored = Buffer.from(await answer.Body!.transformToByteArray());
    // An index that cannot be opened or parsed (damaged in the bucket) names nothing: its contents are then missing,
    // which verify reports for every archive naming them.
    let parsed: unknown;
    try {
      parsed = JSON.parse((await codec.open(stored, indexKey)).toString("utf8"));
    } catch {
      return { etag: answer.ETag, body: null };
    }
    const checked = indexSchema.safeParse(parsed);
    return { etag: answer.ETag, body: checked.success ? checked.data : null };
  }

  let lastListedAt = 0;
  let listing: { tick: number; done: Promise<void> } | null = null;
  let loaded: Promise<void> | null = null;
  /** Whether a content missing from the indexes may still be stored as its own object (a store from before packing). */
  let looseSmallContents = true;

  async function listAndLoad(): Promise<void> {
    const startedAt = Date.now();
    const startAfter = lastListedAt ? `${indexPrefix}${String(Math.max(0, lastListedAt - LIST_MARGIN_MS)).padStart(13, "0")}` : undefined;
    const fresh: string[] = [];
    for await (const item of listKeys(client, bucket, indexPrefix, mapError, startAfter))
      if (INDEX_NAME.test(item.key.slice(indexPrefix.length)) && !knownIndexKeys.has(item.key)) fresh.push(item.key);
    await mapLimit(fresh, LOADS_IN_FLIGHT, async (key) => {
      const read = await readIndex(key);
      knownIndexKeys.add(key);
      if (read?.body && `${read.body.pack}` === INDEX_NAME.exec(key.slice(indexPrefix.length))?.[2]) register(key, read.etag, read.body);
    });
    lastListedAt = startedAt;
  }

  /** Lists the index objects again unless a listing started after `since` (a tick) already did. */
  async function refresh(since: number): Promise<void> {
    for (;;) {
      if (listing && listing.tick > since) return listing.done;
      if (listing) {
        await listing.done.catch(() => undefined);
        continue;
      }
      const started = { tick: tick(), done: Promise.resolve() };
      started.done = listAndLoad().finally(() => {
        if (listing === started) listing = null;
      });
      listing = started;
      return started.done;
    }
  }

  /** Loads every index once (and learns whether the store predates packing). */
  function load(): Promise<void> {
    loaded ??= (async () => {
      await ready();
      looseSmallContents = !(await packedFromTheStart());
      await refresh(tick());
    })().catch((error: unknown) => {
      loaded = null;
      throw error;
    });
    return loaded;
  }

  /** True when every small content of this store is in a pack: layout.json says so, or the store is new. */
  async function packedFromTheStart(): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: layoutKey }));
      return true;
    } catch (error) {
      if (s3Status(error) !== 404) throw mapError(error);
    }
    const blobs = await send(client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}blobs/`, MaxKeys: 1 })));
    if ((blobs.Contents ?? []).length > 0) return false;
    const body = Buffer.from(JSON.stringify({ kura: "store-layout", packs: 1 }));
    try {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: layoutKey, Body: body, ContentLength: body.byteLength, IfNoneMatch: "*" }),
      );
    } catch (error) {
      if (s3Status(error) !== 412 && s3Status(error) !== 409) throw await options.explainUpload(error);
    }
    return true;
  }

  /**
   * Sees that `packId`'s index is still there and unchanged, by a HEAD started after `since` (shared by every caller
   * that can use it); reloads it when it changed and forgets the pack when it is gone.
   */
  async function confirm(packId: string, since: number): Promise<void> {
    for (;;) {
      const info = packs.get(packId);
      if (!info) return;
      if (info.confirming && info.confirming.tick > since) return info.confirming.done;
      if (info.confirming) {
        await info.confirming.done.catch(() => undefined);
        continue;
      }
      const started = { tick: tick(), done: Promise.resolve() };
      started.done = (async () => {
        let etag: string | undefined;
        try {
          etag = (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: info.indexKey }))).ETag;
        } catch (error) {
          if (s3Status(error) !== 404) throw mapError(error);
          forget(packId);
          return;
        }
        if (etag === info.etag) return;
        const read = await readIndex(info.indexKey);
        if (!read?.body) forget(packId);
        else register(info.indexKey, read.etag, read.body);
      })().finally(() => {
        const now = packs.get(packId);
        if (now?.confirming === started) now.confirming = null;
      });
      info.confirming = started;
      return started.done;
    }
  }

  /** Where `name` is packed, or null: from memory, else after listing the indexes again (another dashboard's packs). */
  async function locate(name: string): Promise<PackedEntry | null> {
    const since = tick();
    await load();
    const known = entries.get(name);
    if (known) return known;
    await refresh(since);
    return entries.get(name) ?? null;
  }

  /** Like locate, but only what the pack's index still names now (another dashboard may have removed it). */
  async function locateConfirmed(name: string): Promise<PackedEntry | null> {
    const since = tick();
    const found = await locate(name);
    if (!found) return null;
    await confirm(found.packId, since);
    return entries.get(name) ?? null;
  }

  // ---- writing ----

  function startPack(): OpenPack {
    let settle!: OpenPack["settle"];
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    done.catch(() => undefined);
    return { id: randomBytes(16).toString("hex"), parts: [], bytes: 0, entries: [], done, settle, timer: null, firstAt: Date.now() };
  }

  /** Writes an index object (sealed already) under `condition`; resolves with its ETag. */
  async function putIndex(indexKey: string, sealedIndex: Buffer, condition: { IfNoneMatch?: string; IfMatch?: string }) {
    const written = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: indexKey,
        Body: sealedIndex,
        ContentLength: sealedIndex.byteLength,
        ContentType: indexKey.endsWith(".enc") ? "application/octet-stream" : "application/json",
        ...condition,
      }),
    );
    return written.ETag;
  }

  async function writePack(pack: OpenPack, writeOptions: { takeOver?: boolean } = {}): Promise<void> {
    const body = Buffer.concat(pack.parts, pack.bytes);
    pack.parts = [];
    const stamp = String(Date.now()).padStart(13, "0");
    const indexKey = `${indexPrefix}${stamp}-${pack.id}.${(await options.sealed()) ? "enc" : "json"}`;
    writing.add(pack.id);
    let packWritten = false;
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: packKey(pack.id),
          Body: body,
          ContentLength: body.byteLength,
          ContentType: "application/octet-stream",
        }),
      );
      packWritten = true;
      const index: IndexBody = {
        kura: "pack-index",
        version: 1,
        pack: pack.id,
        size: body.byteLength,
        entries: pack.entries.map((entry) => [entry.name, entry.offset, entry.length]),
      };
      const etag = await putIndex(indexKey, await codec.seal(Buffer.from(JSON.stringify(index))), { IfNoneMatch: "*" });
      knownIndexKeys.add(indexKey);
      register(indexKey, etag, index, writeOptions.takeOver);
    } catch (error) {
      if (packWritten) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: packKey(pack.id) })).catch(() => undefined);
      throw await options.explainUpload(error);
    } finally {
      writing.delete(pack.id);
    }
  }

  function flush(pack: OpenPack): void {
    if (pack.timer) clearTimeout(pack.timer);
    pack.timer = null;
    if (open === pack) open = null;
    flushing += 1;
    writePack(pack)
      .then(pack.settle.resolve, pack.settle.reject)
      .finally(() => {
        for (const entry of pack.entries) pending.delete(entry.name);
        flushing -= 1;
        for (const wake of flushWaiters.splice(0)) wake(); // each looks again whether there is room
      });
  }

  /** Adds a stored body to the open pack (waiting while enough full packs are being written). */
  async function append(name: string, body: Buffer): Promise<PackedPut> {
    while (flushing >= FLUSHES_IN_FLIGHT && open && open.bytes + body.byteLength > options.packBytes)
      await new Promise<void>((resolve) => flushWaiters.push(resolve));
    const already = pending.get(name);
    if (already) return { durable: already.then(({ storedBytes }) => ({ isNew: false, storedBytes })) };
    if (open && open.bytes > 0 && open.bytes + body.byteLength > options.packBytes) flush(open);
    const pack = (open ??= startPack());
    const entry = { name, offset: pack.bytes, length: body.byteLength };
    pack.parts.push(body);
    pack.bytes += body.byteLength;
    pack.entries.push(entry);
    const stored = pack.done.then(() => ({ storedBytes: entry.length }));
    stored.catch(() => undefined);
    pending.set(name, stored);
    if (pack.bytes >= options.packBytes || pack.entries.length >= MAX_ENTRIES) flush(pack);
    else {
      if (pack.timer) clearTimeout(pack.timer);
      pack.timer = setTimeout(() => flush(pack), Math.max(0, Math.min(IDLE_FLUSH_MS, pack.firstAt + MAX_WAIT_MS - Date.now())));
    }
    return { durable: stored.then(({ storedBytes }) => ({ isNew: true, storedBytes })) };
  }

  /**
   * Stores `body` (a content's stored bytes, under its blob name) in a pack unless it is stored already.
   * `storedAlone` looks for it as an object of its own (stores from before packing).
   */
  async function put(name: string, body: Buffer, storedAlone: () => Promise<number | null>): Promise<PackedPut> {
    const since = tick();
    await load();
    const waiting = pending.get(name);
    if (waiting) return { durable: waiting.then(({ storedBytes }) => ({ isNew: false, storedBytes })) };
    const known = entries.get(name);
    if (known) {
      const durable = confirm(known.packId, since).then(async () => {
        const still = entries.get(name);
        if (still) return { isNew: false, storedBytes: still.length };
        return (await append(name, body)).durable; // removed meanwhile (another dashboard): stored anew
      });
      durable.catch(() => undefined);
      return { durable };
    }
    if (looseSmallContents) {
      const alone = await storedAlone();
      if (alone !== null) return { durable: Promise.resolve({ isNew: false, storedBytes: alone }) };
    }
    return append(name, body);
  }

  /**
   * Writes `body` over `indexKey` if the index is still the one whose ETag is `etag` (If-Match), and resolves with the
   * new ETag; null when another dashboard changed it meanwhile. radosgw (18) matches the ETag only unquoted, others as
   * they gave it: a refusal of the one form is tried in the other.
   */
  async function replaceIndex(indexKey: string, body: IndexBody, etag: string | undefined): Promise<string | null> {
    const sealedIndex = await codec.seal(Buffer.from(JSON.stringify(body)));
    const forms = etag ? [etag.replace(/"/g, ""), etag] : [undefined];
    for (const form of forms) {
      try {
        return (await putIndex(indexKey, sealedIndex, form ? { IfMatch: form } : {})) ?? "";
      } catch (error) {
        if (s3Status(error) !== 412 && s3Status(error) !== 409) throw mapError(error);
      }
    }
    return null;
  }

  /** Deletes a pack nothing names any more, then its index. */
  async function deletePack(packId: string, indexKey: string): Promise<void> {
    await send(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: packKey(packId) })));
    await send(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: indexKey })));
    forget(packId);
    knownIndexKeys.delete(indexKey);
  }

  /**
   * A pack less than half of whose bytes are still named is rewritten: its live contents copied (as they are stored)
   * into a new pack with its own index, then the old index emptied (If-Match: if another dashboard changed it
   * meanwhile, the old pack stays and the copies are only space) and the old pack deleted. Readers that still knew the
   * old pack find the new one when their read gets 404 (see read).
   */
  async function repack(packId: string, indexKey: string, body: IndexBody, etag: string): Promise<void> {
    const answer = await send(client.send(new GetObjectCommand({ Bucket: bucket, Key: packKey(packId) })));
    const old = Buffer.from(await answer.Body!.transformToByteArray());
    const pack = startPack();
    for (const [name, offset, length] of body.entries) {
      if (offset + length > old.byteLength) return; // not the pack its index describes: left alone
      pack.parts.push(old.subarray(offset, offset + length));
      pack.entries.push({ name, offset: pack.bytes, length });
      pack.bytes += length;
    }
    await writePack(pack, { takeOver: true });
    const emptied = await replaceIndex(indexKey, { ...body, entries: [] }, etag);
    if (emptied === null) return;
    await deletePack(packId, indexKey);
  }

  /**
   * Takes `names` out of their pack's index (If-Match on its ETag; read again and retried when another dashboard
   * changed it meanwhile); the pack and its index are deleted once nothing is left, and the pack is rewritten once less
   * than half of it is named. Resolves with how many bytes each name that was there held.
   */
  async function dropNow(packId: string, names: Set<string>): Promise<Map<string, number>> {
    const info = packs.get(packId);
    const freed = new Map<string, number>();
    if (!info) return freed;
    for (let attempt = 0; ; attempt++) {
      const read = await readIndex(info.indexKey);
      if (!read?.body) {
        forget(packId);
        return freed;
      }
      const kept = read.body.entries.filter(([name]) => !names.has(name));
      if (kept.length === read.body.entries.length) {
        register(info.indexKey, read.etag, read.body);
        return freed;
      }
      const body: IndexBody = { ...read.body, entries: kept };
      const etag = await replaceIndex(info.indexKey, body, read.etag);
      if (etag === null) {
        if (attempt < 4) continue;
        throw new AppError(503, "store_busy", `Another dashboard kept changing the index ${info.indexKey}; try again.`);
      }
      for (const [name, , length] of read.body.entries) if (names.has(name)) freed.set(name, length);
      register(info.indexKey, etag, body);
      // Empty now: nothing names the pack, so the pack goes first, then the index.
      if (kept.length === 0) await deletePack(packId, info.indexKey);
      else if (body.size && kept.reduce((sum, [, , length]) => sum + length, 0) * 2 < body.size)
        await repack(packId, info.indexKey, body, etag);
      return freed;
    }
  }

  /**
   * Removals from one pack run one index rewrite at a time, and the names asked for while one runs are taken out
   * together by the next (deleting an archive removes its contents a few at once: a pack's index is then rewritten
   * once per batch, not once per content, and is not repacked again and again as it empties). Resolves with the
   * bytes `names` held.
   */
  function drop(packId: string, names: string[]): Promise<number> {
    let queue = dropQueues.get(packId);
    if (!queue) dropQueues.set(packId, (queue = { waiting: [], running: Promise.resolve(), scheduled: false }));
    const current = queue;
    const done = new Promise<number>((resolve, reject) => current.waiting.push({ names, resolve, reject }));
    if (!current.scheduled) {
      current.scheduled = true;
      current.running = current.running.then(async () => {
        current.scheduled = false;
        const batch = current.waiting.splice(0);
        try {
          const freed = await dropNow(packId, new Set(batch.flatMap((waiter) => waiter.names)));
          // A name asked for twice in one batch frees its bytes once, for the first asker (as one after the other would).
          for (const waiter of batch) {
            let bytes = 0;
            for (const name of waiter.names) {
              bytes += freed.get(name) ?? 0;
              freed.delete(name);
            }
            waiter.resolve(bytes);
          }
        } catch (error) {
          for (const waiter of batch) waiter.reject(error);
        }
        if (!current.scheduled && dropQueues.get(packId) === current) dropQueues.delete(packId);
      });
    }
    return done;
  }

  /** Removes a packed content; resolves with its stored bytes, or null when it is not packed. */
  async function remove(name: string): Promise<number | null> {
    const found = await locate(name);
    if (!found) return null;
    let freed = await drop(found.packId, [name]);
    // Repacked meanwhile (by this dashboard): taken out of the pack it moved to as well.
    for (let round = 0, moved = entries.get(name); moved && moved.packId !== found.packId && round < 3; round++, moved = entries.get(name))
      freed += await drop(moved.packId, [name]);
    return freed;
  }

  /** Streams a packed content's stored bytes (a ranged GET of its pack). */
  async function read(found: PackedEntry): Promise<Readable> {
    const range = `bytes=${found.offset}-${found.offset + found.length - 1}`;
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: packKey(found.packId), Range: range }));
    return answer.Body as Readable;
  }

  return {
    /** Where the content `name` is packed, or null (see locate). */
    locate,
    /** Like locate, confirmed against the pack's index as it is now. */
    locateConfirmed,
    put,
    packKey,
    remove,
    /** True once known that this store packed its small contents from the start (no older stand-alone ones). */
    packedFromStart: () => !looseSmallContents,
    read,
    /**
     * Moves a packed content that failed verification aside: its stored bytes copied to `damagedKey` as an object of
     * their own (kept for inspection, never read again), then taken out of its pack's index, so the next put stores
     * it afresh. False when it is not packed.
     */
    async quarantine(name: string, damagedKey: string): Promise<boolean> {
      const found = await locate(name);
      if (!found) return false;
      let bytes = Buffer.alloc(0);
      try {
        bytes = Buffer.concat((await (await read(found)).toArray()) as Buffer[]);
      } catch (error) {
        if (s3Status(error) !== 404) throw mapError(error);
      }
      if (bytes.byteLength > 0)
        await send(client.send(new PutObjectCommand({ Bucket: bucket, Key: damagedKey, Body: bytes, ContentLength: bytes.byteLength })));
      await remove(name);
      return true;
    },
    /**
     * Streams a packed content's stored bytes, or resolves with null when it is not packed. A pack gone meanwhile
     * (repacked or emptied by another dashboard) is forgotten and the content looked for again.
     */
    async open(name: string): Promise<Readable | null> {
      for (let round = 0; ; round++) {
        const found = await locate(name);
        if (!found) return null;
        try {
          return await read(found);
        } catch (error) {
          if (s3Status(error) !== 404 || round > 0) throw error;
          forget(found.packId);
        }
      }
    },
    /** Every packed content's name with where it is, after listing the indexes again. */
    async list(): Promise<{ name: string; key: string; offset: number; length: number }[]> {
      const since = tick();
      await load();
      await refresh(since);
      return [...entries].map(([name, found]) => ({ name, key: packKey(found.packId), offset: found.offset, length: found.length }));
    },
    /** The stored bytes of every packed content. */
    async storedBytes(): Promise<number> {
      const since = tick();
      await load();
      await refresh(since);
      let total = 0;
      for (const found of entries.values()) total += found.length;
      return total;
    },
    /**
     * Removes packs no index names (a process killed between writing a pack and its index) and empty indexes (one
     * killed while deleting a pack), once older than `olderThan` (a time); returns how many.
     */
    async cleanOrphans(olderThan: number): Promise<number> {
      await load();
      const indexed = new Map<string, { key: string; modified: number }>();
      const packed: { id: string; modified: number }[] = [];
      const list = async (under: string, each: (key: string, modified: number) => void) => {
        for await (const item of listKeys(client, bucket, under, mapError)) each(item.key, item.modified?.getTime() ?? 0);
      };
      await list(indexPrefix, (key, modified) => {
        const match = INDEX_NAME.exec(key.slice(indexPrefix.length));
        if (match) indexed.set(match[2]!, { key, modified });
      });
      await list(`${prefix}packs/`, (key, modified) => {
        const id = key.slice(`${prefix}packs/`.length);
        if (PACK_NAME.test(id)) packed.push({ id, modified });
      });
      let removed = 0;
      for (const pack of packed) {
        if (indexed.has(pack.id) || writing.has(pack.id) || pack.modified > olderThan) continue;
        await send(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: packKey(pack.id) })));
        removed += 1;
      }
      for (const [id, index] of indexed) {
        if (index.modified > olderThan) continue;
        // Only an index known empty, or not read yet, is read again (not every index at every sweep).
        if (knownIndexKeys.has(index.key) && (packs.get(id)?.names.size ?? 0) > 0) continue;
        const read = await readIndex(index.key);
        if (!read?.body || read.body.entries.length > 0) continue;
        await send(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: packKey(id) })));
        await send(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: index.key })));
        forget(id);
        removed += 1;
      }
      return removed;
    },
  };
}
export type Packs = ReturnType<typeof createPacks>;
