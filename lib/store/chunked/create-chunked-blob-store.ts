import { createHash } from "node:crypto";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { ConfinedOpenError, openConfined } from "@/lib/docker/open-confined.mjs";
import {
  assertBlobId,
  type BlobStore,
  type DeferredPut,
  type PutFileOptions,
  type PutFileResult,
  type PutOptions,
  type PutResult,
  type VerifyResult,
} from "../blob-store";
import type { MetaStore } from "../meta-store";
import { createChunker, DEFAULT_CHUNK_SIZES, type ChunkSizes } from "./fastcdc";
import { parseRecipe, recipeName, serializeRecipe, type Recipe, type RecipeChunk } from "./recipe";
import { createSharedLock } from "./shared-lock";

/**
 * The content store with large contents kept in chunks (issue 16): a second archive of a 1 GB database file with 1%
 * changed adds a few percent of it, not all of it again. Outside the store nothing changes: a content is still named
 * by the SHA-256 of its whole bytes, and put/open/has/stat/verify/remove take and give whole contents.
 *
 *   - A content up to `thresholdBytes` is stored whole in `whole`, exactly as before (blobs/<sha256>.gz).
 *   - A larger one is cut by content (FastCDC, about 128 KiB chunks: fastcdc.ts); each chunk is a blob of the
 *     `chunks` store (its own namespace, <store>/chunks/ or <prefix>chunks/), named by its own SHA-256, so a chunk
 *     found in many files or archives is stored once. A recipe, recipes/<content sha256>.json beside the whole blobs,
 *     lists the chunks in order (recipe.ts). The recipe is written only once every chunk is durable, so a crash or
 *     kill leaves at most chunks no recipe names (kept, and found again by the next put of the same content), never a
 *     recipe naming a missing chunk.
 *   - remove(id) of a chunked content removes its recipe, then those of its chunks no other recipe names: archive
 *     deletion decides which contents are unshared, the chunks' sharing is the store's business. It lists the recipes
 *     (one listing; each recipe read once per process and remembered), so its cost grows with the number of large
 *     contents, not of files.
 *   - The recipes being written hold a lock that removes of chunked content wait for (in this process), so a remove
 *     never takes a chunk from under a put about to name it. Between two dashboards on one bucket the same race exists
 *     as for whole blobs (an archive deleted in one while another archives the same content).
 *
 * Contents stored whole before chunking existed (or under a higher threshold) stay readable; when a content is both
 * whole and chunked, the whole blob is read and verified, and remove/quarantine deal with both.
 */
export type ChunkedBlobStoreOptions = {
  /** Contents larger than this (bytes) are stored in chunks (KURA_CHUNK_THRESHOLD_BYTES). */
  thresholdBytes: number;
  chunkSizes?: ChunkSizes;
};

/** Chunk writes in flight for one content (the store's worker threads compress them side by side). */
const CHUNKS_IN_FLIGHT = 12;
/** Chunks opened ahead of the one being read (on an object store, each is a request). */
const CHUNKS_AHEAD = 4;

export function createChunkedBlobStore(whole: BlobStore & MetaStore, chunks: BlobStore, options: ChunkedBlobStoreOptions): BlobStore {
  const threshold = options.thresholdBytes;
  const sizes = options.chunkSizes ?? DEFAULT_CHUNK_SIZES;
  const lock = createSharedLock();
  // Recipes read by remove, by name: their chunk ids (a recipe is only ever rewritten by a repair; see put).
  const knownRecipes = new Map<string, { size: number; sha256: string; chunkIds: string[] }>();

  /** The recipe of `sha256`: null when the content is not chunked, an Error when the recipe is damaged. */
  async function readRecipe(sha256: string): Promise<Recipe | Error | null> {
    const bytes = await whole.getMeta(recipeName(sha256));
    return bytes === null ? null : parseRecipe(bytes, sha256);
  }

  /** Cuts what `push` is given into chunks and stores each in the chunk store, a few at a time, in order. */
  function chunkWriter(signal: AbortSignal | undefined) {
    const chunker = createChunker(sizes);
    let pending: Buffer[] = [];
    const puts: Promise<DeferredPut>[] = [];
    const take = (length: number): Buffer => {
      const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = length < all.length ? [all.subarray(length)] : [];
      return all.subarray(0, length);
    };
    const emit = async (chunk: Buffer) => {
      const put = chunks.putDeferred(chunk, signal ? { signal } : {});
      put.then((written) => written.durable).catch(() => undefined); // awaited in `finish`
      puts.push(put);
      const behind = puts[puts.length - CHUNKS_IN_FLIGHT];
      if (behind) await behind;
    };
    return {
      async push(bytes: Buffer) {
        pending.push(bytes);
        for (const length of chunker.push(bytes)) await emit(take(length));
      },
      /** Every chunk's put, once all are durable. */
      async finish(): Promise<PutResult[]> {
        const last = chunker.end();
        if (last) await emit(take(last));
        return Promise.all(puts.map(async (put) => (await put).durable));
      },
      /** After a failure: waits for the writes under way (so none outlives the put), ignoring their outcome. */
      async abandon() {
        await Promise.allSettled(puts.map(async (put) => (await put).durable));
      },
    };
  }

  async function putDeferred(source: Readable | Buffer, putOptions: PutOptions = {}): Promise<DeferredPut> {
    if (Buffer.isBuffer(source) && source.byteLength <= threshold) return whole.putDeferred(source, putOptions);
    const { signal, onBytes } = putOptions;
    const wholeOptions = signal ? { signal } : {};
    const hash = createHash("sha256");
    let size = 0;
    // Held while the content may still turn out small (then it is stored whole).
    let head: Buffer[] = [];
    let headBytes = 0;
    let writer: ReturnType<typeof chunkWriter> | null = null;
    let release: (() => void) | null = null;
    const onAbort = () => {
      if (!Buffer.isBuffer(source)) source.destroy(signal?.reason instanceof Error ? signal.reason : abortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      for await (const piece of Buffer.isBuffer(source) ? [source] : source) {
        signal?.throwIfAborted();
        const bytes = toBuffer(piece as Buffer | Uint8Array | string);
        hash.update(bytes);
        size += bytes.byteLength;
        onBytes?.(bytes.byteLength);
        if (writer) {
          await writer.push(bytes);
          continue;
        }
        head.push(bytes);
        headBytes += bytes.byteLength;
        if (headBytes <= threshold) continue;
        // Large: from here on chunks are written, and the recipe naming them must not race a remove.
        release = await lock.shared();
        writer = chunkWriter(signal);
        const held = Buffer.concat(head, headBytes);
        head = [];
        await writer.push(held);
      }
      signal?.throwIfAborted();
    } catch (error) {
      signal?.removeEventListener("abort", onAbort);
      if (!Buffer.isBuffer(source)) source.destroy();
      await writer?.abandon();
      release?.();
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : abortError();
      throw error;
    }
    signal?.removeEventListener("abort", onAbort);
    if (!writer) return whole.putDeferred(Buffer.concat(head, headBytes), wholeOptions);
    const sha256 = hash.digest("hex");
    const finishing = writer;
    const unlock = release!;
    const durable = (async (): Promise<PutResult> => {
      try {
        const written = await finishing.finish();
        return await publishRecipe(sha256, size, written);
      } catch (error) {
        await finishing.abandon();
        throw error;
      } finally {
        unlock();
      }
    })();
    durable.catch(() => undefined); // the caller awaits it later
    return { sha256, size, durable };
  }

  /** Writes the recipe once its chunks are durable; says whether this put added the content and what that took. */
  async function publishRecipe(sha256: string, size: number, written: PutResult[]): Promise<PutResult> {
    const recipe: Recipe = {
      version: 1,
      sha256,
      size,
      chunks: written.map((chunk): RecipeChunk => [chunk.sha256, chunk.size, chunk.storedBytes]),
    };
    const bytes = serializeRecipe(recipe);
    const name = recipeName(sha256);
    const storedWhole = await whole.has(sha256);
    const created = await whole.putMeta(name, bytes, { onlyIfAbsent: true });
    if (!created) {
      // Already chunked. A recipe that is damaged, or lists other chunks (cut with other sizes), is replaced by this
      // one, whose chunks were just made durable: that repairs a content whose chunk was quarantined.
      const existing = await whole.getMeta(name);
      const same = existing !== null && existing.equals(bytes);
      if (!same) {
        const parsed = existing === null ? null : parseRecipe(existing, sha256);
        const sameChunks =
          parsed !== null && !(parsed instanceof Error) && parsed.chunks.map((c) => c[0]).join() === recipe.chunks.map((c) => c[0]).join();
        if (!sameChunks) {
          await whole.putMeta(name, bytes);
          knownRecipes.clear(); // remembered by stored name, which may be keyed: forget them all (a rare repair)
        }
      }
    }
    const allStored = written.reduce((sum, chunk) => sum + chunk.storedBytes, 0) + bytes.byteLength;
    if (!created || storedWhole) return { sha256, size, storedBytes: allStored, isNew: false };
    // New: what it added to the store, the chunks it shares with other contents not counted again.
    const added = written.reduce((sum, chunk) => sum + (chunk.isNew ? chunk.storedBytes : 0), 0) + bytes.byteLength;
    return { sha256, size, storedBytes: added, isNew: true };
  }

  async function putFile(file: string, putOptions: PutFileOptions): Promise<PutFileResult> {
    if (putOptions.maxBytes <= threshold) return whole.putFile(file, putOptions);
    const first = await whole.putFile(file, { ...putOptions, maxBytes: threshold });
    if (!("skip" in first) || first.skip !== "too-large") return first;
    // Too large to store whole: read here, confined exactly as the worker threads read (blob-writer.worker.mjs).
    const confineTo = putOptions.confineTo ?? null;
    if (confineTo !== null && !file.startsWith(`${confineTo}/`)) return { skip: "outside" };
    const canonical =
      confineTo !== null ? file : path.join(await realpath(path.dirname(file)).catch(() => path.dirname(file)), path.basename(file));
    let opened: Awaited<ReturnType<typeof openConfined>>;
    try {
      opened = await openConfined(canonical, { maxBytes: putOptions.maxBytes });
    } catch (error) {
      if (error instanceof ConfinedOpenError) return { skip: error.reason };
      throw error;
    }
    const { handle, stats } = opened;
    try {
      // What fstat said when it was opened (the worker reads the same): a file growing meanwhile is cut there.
      const content = stats.size > 0 ? handle.createReadStream({ start: 0, end: stats.size - 1, autoClose: false }) : Readable.from([]);
      const written = await putDeferred(content, putOptions);
      const stored = await written.durable;
      return { ...stored, stats: { mode: stats.mode, uid: stats.uid, gid: stats.gid, mtimeMs: stats.mtimeMs } };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** The chunks' contents in order, a few opened ahead; `onChunk` sees each as it starts. */
  async function* chunkContents(recipe: Recipe): AsyncGenerator<{ index: number; chunk: RecipeChunk; stream: Readable }> {
    const opened: Readable[] = [];
    let next = 0;
    try {
      for (let index = 0; index < recipe.chunks.length; index++) {
        while (next < recipe.chunks.length && next < index + 1 + CHUNKS_AHEAD) {
          const stream = chunks.open(recipe.chunks[next]![0]);
          stream.on("error", () => undefined); // seen by whoever reads it; one opened ahead may fail before that
          stream.pause();
          opened.push(stream);
          next += 1;
        }
        yield { index, chunk: recipe.chunks[index]!, stream: opened.shift()! };
      }
    } finally {
      for (const stream of opened) stream.destroy();
    }
  }

  /** Copies `source` into `out` (without ending it), honouring back-pressure; false when `out` was closed by its reader. */
  async function copyInto(source: Readable, out: PassThrough, onData?: (chunk: Buffer) => void): Promise<boolean> {
    for await (const data of source) {
      if (out.destroyed) {
        source.destroy();
        return false;
      }
      onData?.(data as Buffer);
      if (!out.write(data))
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off("drain", done);
            out.off("close", done);
            resolve();
          };
          out.on("drain", done);
          out.on("close", done);
        });
    }
    return !out.destroyed;
  }

  function openContent(sha256: string): Readable {
    assertBlobId(sha256);
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    (async () => {
      // Whole blobs first (nearly every content is one): only when there is none is a recipe looked for.
      let started = false;
      try {
        if (!(await copyInto(whole.open(sha256), out, () => (started = true)))) return;
        out.end();
        return;
      } catch (error) {
        if (started || !(error instanceof AppError) || error.code !== "blob_not_found") throw error;
      }
      const recipe = await readRecipe(sha256);
      if (recipe === null) throw new AppError(404, "blob_not_found", `No stored content has the id ${sha256}.`);
      if (recipe instanceof Error) throw new AppError(500, "blob_damaged", `The stored content ${sha256} is damaged: ${recipe.message}.`);
      for await (const { stream } of chunkContents(recipe)) if (!(await copyInto(stream, out))) return;
      out.end();
    })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
    return out;
  }

  /** Re-reads every chunk, checks each against its name and the whole against the content's; one pass. */
  async function verifyRecipe(sha256: string, recipe: Recipe): Promise<VerifyResult & { damagedChunks: string[] }> {
    const hash = createHash("sha256");
    let total = 0;
    const count = recipe.chunks.length;
    for await (const { index, chunk, stream } of chunkContents(recipe)) {
      const [chunkId, chunkSize] = chunk;
      const chunkHash = createHash("sha256");
      let length = 0;
      try {
        for await (const data of stream) {
          chunkHash.update(data as Buffer);
          hash.update(data as Buffer);
          length += (data as Buffer).byteLength;
        }
      } catch {
        // Read again on its own, for the store's own sentence (missing, damaged gzip, unreadable).
        const check = await chunks.verify(chunkId);
        const reason = check.error ?? "it cannot be read";
        return { ok: false, actual: null, error: `Chunk ${index + 1} of ${count} (${chunkId}): ${reason}`, damagedChunks: [chunkId] };
      }
      const actual = chunkHash.digest("hex");
      if (actual !== chunkId || length !== chunkSize)
        return {
          ok: false,
          actual: null,
          error: `Chunk ${index + 1} of ${count} (${chunkId}) hashes to ${actual} (${length} bytes): the stored chunk was altered.`,
          damagedChunks: [chunkId],
        };
      total += length;
    }
    const actual = hash.digest("hex");
    if (actual === sha256 && total === recipe.size) return { ok: true, actual, damagedChunks: [] };
    return {
      ok: false,
      actual,
      error: `The stored content hashes to ${actual} instead of ${sha256}: its recipe (the list of its chunks) was altered.`,
      damagedChunks: [],
    };
  }

  async function verify(sha256: string): Promise<VerifyResult> {
    assertBlobId(sha256);
    const [storedWhole, recipe] = await Promise.all([whole.has(sha256), readRecipe(sha256)]);
    if (storedWhole || recipe === null) {
      const check = await whole.verify(sha256);
      if (!check.ok || recipe === null) return check;
    }
    if (recipe instanceof Error) return { ok: false, actual: null, error: `The stored content is damaged: ${recipe.message}.` };
    const { damagedChunks: _, ...result } = await verifyRecipe(sha256, recipe);
    return result;
  }

  /**
   * Chunk ids named by every recipe but that of `except` (a content id); null when a recipe cannot be read (then no
   * chunk may go). Listed names are as stored (keyed, in an encrypted store), so each recipe says whose it is.
   */
  async function chunksInUse(except: string): Promise<Set<string> | null> {
    const inUse = new Set<string>();
    const listed = await whole.listMeta("recipes");
    const names = new Set(listed.map((record) => record.name));
    for (const name of knownRecipes.keys()) if (!names.has(name)) knownRecipes.delete(name);
    for (const record of listed) {
      let known = knownRecipes.get(record.name);
      if (!known || known.size !== record.size) {
        const bytes = await whole.getMeta(record.name);
        if (bytes === null) continue; // removed meanwhile
        const parsed = parseRecipe(bytes, null);
        if (parsed instanceof Error) return null;
        known = { size: record.size, sha256: parsed.sha256, chunkIds: parsed.chunks.map(([id]) => id) };
        knownRecipes.set(record.name, known);
      }
      if (known.sha256 === except) continue;
      for (const id of known.chunkIds) inUse.add(id);
    }
    return inUse;
  }

  /** Removes the recipe, then the chunks no other recipe names; the bytes freed. */
  async function removeChunked(sha256: string): Promise<number> {
    const release = await lock.exclusive();
    try {
      const name = recipeName(sha256);
      const bytes = await whole.getMeta(name);
      if (bytes === null) return 0;
      const recipe = parseRecipe(bytes, sha256);
      // The recipe first: a crash after this leaves unnamed chunks, never a recipe naming a removed chunk.
      await whole.removeMeta(name);
      knownRecipes.delete(name);
      let freed = bytes.byteLength;
      if (recipe instanceof Error) return freed;
      const inUse = await chunksInUse(sha256);
      if (!inUse) return freed;
      for (const chunkId of new Set(recipe.chunks.map(([id]) => id))) if (!inUse.has(chunkId)) freed += await chunks.remove(chunkId);
      return freed;
    } finally {
      release();
    }
  }

  return {
    root: whole.root,
    location: whole.location,
    async put(source, putOptions = {}) {
      return (await putDeferred(source, putOptions)).durable;
    },
    putDeferred,
    putFile,
    open: openContent,
    verify,
    async has(sha256) {
      assertBlobId(sha256);
      if (await whole.has(sha256)) return true;
      return (await whole.getMeta(recipeName(sha256))) !== null;
    },
    async stat(sha256) {
      assertBlobId(sha256);
      const stored = await whole.stat(sha256);
      if (stored) return stored;
      const bytes = await whole.getMeta(recipeName(sha256));
      if (bytes === null) return null;
      const recipe = parseRecipe(bytes, sha256);
      // Its chunks' sizes as stored (each counted in full, also when other contents share it), and the recipe.
      const chunkBytes = recipe instanceof Error ? 0 : recipe.chunks.reduce((sum, [, , storedBytes]) => sum + storedBytes, 0);
      return { storedBytes: chunkBytes + bytes.byteLength };
    },
    async quarantine(sha256) {
      assertBlobId(sha256);
      let moved = false;
      if (await whole.has(sha256)) {
        const check = await whole.verify(sha256);
        if (!check.ok) moved = (await whole.quarantine(sha256)) || moved;
      }
      const recipe = await readRecipe(sha256);
      if (recipe === null) return moved;
      if (!(recipe instanceof Error)) {
        const check = await verifyRecipe(sha256, recipe);
        if (check.ok) return moved;
        // The damaged chunk goes aside; the recipe and its other unshared chunks go, so the next put of the content
        // stores it afresh (repairing every archive naming it, and every other content sharing that chunk).
        for (const chunkId of check.damagedChunks) await chunks.quarantine(chunkId);
      }
      await removeChunked(sha256);
      return true;
    },
    async cleanTemporary(cleanOptions) {
      const [wholeRemoved, chunkRemoved] = await Promise.all([whole.cleanTemporary(cleanOptions), chunks.cleanTemporary(cleanOptions)]);
      return wholeRemoved + chunkRemoved;
    },
    async totalStoredBytes() {
      const [wholeBytes, chunkBytes, recipes] = await Promise.all([
        whole.totalStoredBytes(),
        chunks.totalStoredBytes(),
        whole.listMeta("recipes"),
      ]);
      return wholeBytes + chunkBytes + recipes.reduce((sum, record) => sum + record.size, 0);
    },
    encryption: () => whole.encryption(),
    async objectName(sha256) {
      assertBlobId(sha256);
      // A chunked content has no blob of its own: its recipe is named instead.
      if (!(await whole.has(sha256)) && (await whole.getMeta(recipeName(sha256))) !== null) return recipeName(sha256);
      return whole.objectName(sha256);
    },
    async remove(sha256) {
      assertBlobId(sha256);
      const freed = await whole.remove(sha256);
      if ((await whole.getMeta(recipeName(sha256))) === null) return freed;
      return freed + (await removeChunked(sha256));
    },
  };
}

function toBuffer(piece: Buffer | Uint8Array | string): Buffer {
  if (typeof piece === "string") return Buffer.from(piece);
  return Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}
