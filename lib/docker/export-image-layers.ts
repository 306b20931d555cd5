import { createHash, type Hash } from "node:crypto";
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { AppError } from "@/lib/api/app-error";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import { toArchiveHeader } from "./open-archive";
import type { EngineConnection } from "./types";
import type { ArchiveHeader, HashAlgorithm } from "./walk-archive";

// An engine Kura cannot read the layer folders of (a remote one, another storage driver) still
// gives every image layer through its image export (GET /images/{name}/get, `docker save`): a tar
// holding each layer as a tar of its own, named by digest. Read as a stream, a layer at a time:
// headers, the first bytes of files and the digests asked for are kept, never whole contents.
//
// The layer tars carry deletions as whiteout files (`.wh.<name>`) and opaque folders as
// `.wh..wh..opq`; they are reported as such, not as files.

export type ExportedLayer = {
  /** The layer's diffID ("sha256:<hex>" of its uncompressed tar), as in the image's RootFS.Layers. */
  diffId: string;
  headers: ArchiveHeader[];
  /** Paths this layer deletes from the layers below it. */
  deleted: string[];
  /** Folders this layer replaces whole: what lower layers had below them is gone. */
  opaque: string[];
};

export type ExportLayersOptions = {
  /** The diffIDs to read; the others are skipped (their bytes still flow past: the export is one stream). */
  layers: ReadonlySet<string>;
  /** Bytes of each regular file to keep in `head` (0: none). */
  headBytes?: number;
  /** Which files to hash, and with what. */
  hash?: (containerPath: string) => boolean;
  hashAlgorithm?: HashAlgorithm;
  /** Files larger than this are not hashed (marked `tooLarge`). */
  hashMaxBytes?: number;
  signal?: AbortSignal;
};

/** Layer tars hold at most this many entries each (a hostile image cannot make Kura keep headers without end). */
export const EXPORT_LAYER_MAX_ENTRIES = 2_000_000;

const BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;
const LEGACY_LAYER = /^[0-9a-f]{64}\/layer\.tar$/;
const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

export class ExportLayerTooLarge extends Error {}

type LayerWalk = ExportedLayer & { hasher: Hash };

/** Read one layer tar (already uncompressed) into `walk`; resolves when it ends. */
function readLayerTar(stream: Readable, walk: LayerWalk, options: ExportLayersOptions): Promise<void> {
  const headBytes = options.headBytes ?? 0;
  const hashMaxBytes = options.hashMaxBytes ?? Number.POSITIVE_INFINITY;
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    extract.on("entry", (header, content, next) => {
      if (walk.headers.length + walk.deleted.length >= EXPORT_LAYER_MAX_ENTRIES) {
        content.resume();
        extract.destroy(new ExportLayerTooLarge(`a layer of the image holds more than ${EXPORT_LAYER_MAX_ENTRIES} entries`));
        return;
      }
      const result = toArchiveHeader(header, "/");
      const name = path.posix.basename(result.path);
      if (name === OPAQUE) {
        walk.opaque.push(path.posix.dirname(result.path));
        content.on("end", next).resume();
        return;
      }
      if (name.startsWith(WHITEOUT)) {
        walk.deleted.push(path.posix.join(path.posix.dirname(result.path), name.slice(WHITEOUT.length)));
        content.on("end", next).resume();
        return;
      }
      if (result.path === "/") {
        content.on("end", next).resume();
        return;
      }
      const isFile = result.type === "file" && !result.hardLinkTo;
      const wantHash = isFile && Boolean(options.hash?.(result.path));
      if (wantHash && result.size > hashMaxBytes) result.tooLarge = true;
      const hasher = wantHash && !result.tooLarge ? createHash(options.hashAlgorithm ?? "md5") : null;
      const wantHead = isFile && headBytes > 0;
      const head: Buffer[] = [];
      let headLength = 0;
      content.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        hasher?.update(chunk);
        if (wantHead && headLength < headBytes) {
          head.push(chunk.subarray(0, headBytes - headLength));
          headLength += chunk.length;
        }
      });
      content.on("end", () => {
        if (hasher) result.digest = hasher.digest("hex");
        if (wantHead) result.head = Buffer.concat(head);
        walk.headers.push(result);
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
    stream.on("error", reject);
    stream.pipe(extract);
  });
}

/** Gzip starts 1f 8b; anything else is taken for a plain tar. */
function uncompressed(first: Buffer, rest: Readable): Readable {
  const plain = new PassThrough();
  const source = first[0] === 0x1f && first[1] === 0x8b ? rest.pipe(createGunzip()) : rest;
  source.on("error", (error) => plain.destroy(error));
  return source.pipe(plain);
}

/**
 * The layers of `imageRef` named in `options.layers`, read from the engine's export of the image.
 * A layer the export does not hold is missing from the result (the caller says so).
 */
export async function exportImageLayers(
  engine: EngineConnection,
  imageRef: string,
  options: ExportLayersOptions,
): Promise<Map<string, ExportedLayer>> {
  let exported: Readable;
  try {
    // Asked first: an export of an image the engine does not have fails with a 500 (and must never pull).
    const image = dockerFor(engine).getImage(imageRef);
    await image.inspect();
    exported = (await image.get()) as unknown as Readable;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new AppError(404, "image_not_found", `The engine no longer has the image ${imageRef}: its layers cannot be read.`);
    throw toAppError(error);
  }
  const found = new Map<string, ExportedLayer>();
  const onAbort = () => exported.destroy(options.signal?.reason as Error);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const outer = tar.extract();
      outer.on("entry", (header, content, next) => {
        const named = BLOB.exec(header.name)?.[1];
        const candidate = header.type === "file" && (LEGACY_LAYER.test(header.name) || (named && options.layers.has(`sha256:${named}`)));
        // A blob named by a digest Kura does not want is a config, a manifest, or a layer it was not asked for.
        if (!candidate) return void content.on("end", next).resume();
        const walk: LayerWalk = { diffId: "", headers: [], deleted: [], opaque: [], hasher: createHash("sha256") };
        let started = false;
        const body = new PassThrough();
        const reading = { done: Promise.resolve() };
        content.on("data", (data: unknown) => {
          const chunk = data as Buffer;
          if (!started) {
            started = true;
            const stream = uncompressed(chunk, body);
            // The diffID is the digest of the uncompressed tar: a gzipped or legacy blob is named otherwise.
            stream.on("data", (plain: Buffer) => walk.hasher.update(plain));
            const tee = new PassThrough();
            stream.pipe(tee);
            reading.done = readLayerTar(tee, walk, options);
          }
          if (!body.write(chunk)) {
            content.pause();
            body.once("drain", () => content.resume());
          }
        });
        content.on("end", () => {
          body.end();
          reading.done
            .then(() => {
              walk.diffId = `sha256:${walk.hasher.digest("hex")}`;
              if (options.layers.has(walk.diffId)) {
                const { hasher: _unused, ...layer } = walk;
                void _unused;
                found.set(walk.diffId, layer);
              }
              next();
            })
            .catch(reject);
        });
      });
      outer.on("finish", resolve);
      outer.on("error", reject);
      exported.on("error", reject);
      exported.pipe(outer);
    });
  } catch (error) {
    if (error instanceof ExportLayerTooLarge) throw error;
    throw toAppError(error);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  return found;
}
