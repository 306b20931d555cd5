import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { dockerFor } from "./client";
import { toAppError } from "./docker-error";
import { toArchiveHeader } from "./open-archive";
import { cachedLayer, rememberLayer, type LayerAnalysis } from "./read-image-layer";
import type { EngineConnection } from "./types";
import type { ArchiveHeader, HashAlgorithm } from "./walk-archive";

// An image's layers through the engine's API (GET /images/{id}/get, what `docker save` streams): how
// Kura reads them when the layer folders are not on its machine. The export holds each layer as a
// tar; each is listed as it streams past (headers, the first bytes of small files, digests of the
// files of the layers above the base), identified by the SHA-256 of its bytes, which is its diffID.
// Nothing is written to disk and no file content is kept.

const SNIFF_LIMIT = 16 * 1024;
/** The most paths Kura lists from one image export (an image is anyone's: a billion empty files must not exhaust memory). */
export const EXPORT_MAX_PATHS = 500_000;
/** The most bytes Kura receives of one image export (a layer may hold a sparse file of any apparent size). */
export const EXPORT_MAX_BYTES = 16 * 1024 * 1024 * 1024;

export type ExportOptions = {
  /** The diffIDs to list (the export carries every layer; the others are skipped). */
  wanted: ReadonlySet<string>;
  /** The diffIDs whose regular files are hashed (the layers above the base), with what. */
  hash: { diffIds: ReadonlySet<string>; algorithm: HashAlgorithm } | null;
  headBytes?: number;
  signal?: AbortSignal;
};

function drain(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
    stream.resume();
  });
}

/** One layer tar: every path's header (deletion marks as the tar names them: .wh.<name>), digests, and its own SHA-256. */
function listLayerTar(
  layer: Readable,
  options: { algorithm: HashAlgorithm | null; headBytes: number; budget: { paths: number } },
): Promise<{ diffId: string; headers: Map<string, ArchiveHeader>; sums: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    const whole = createHash("sha256");
    const headers = new Map<string, ArchiveHeader>();
    const sums = new Map<string, string>();
    const extract = tar.extract();
    layer.on("data", (chunk: Buffer) => whole.update(chunk));
    layer.on("error", reject);
    extract.on("entry", (raw, stream, next) => {
      const header = toArchiveHeader(raw, "/");
      if (header.path === "/") {
        stream.on("end", () => next());
        stream.resume();
        return;
      }
      if (header.hardLinkTo) {
        const first = headers.get(header.hardLinkTo);
        header.size = first?.size ?? 0;
        const digest = first && options.algorithm ? sums.get(first.path) : undefined;
        if (digest) sums.set(header.path, digest);
      }
      headers.set(header.path, header);
      if (--options.budget.paths < 0) {
        reject(new Error(`the image holds more than ${EXPORT_MAX_PATHS.toLocaleString("en")} paths, more than Kura lists`));
        layer.destroy();
        return;
      }
      if (header.type !== "file" || header.hardLinkTo) {
        stream.on("end", () => next());
        stream.resume();
        return;
      }
      const hash = options.algorithm ? createHash(options.algorithm) : null;
      const sniff = options.headBytes > 0 && header.size <= SNIFF_LIMIT;
      const head: Buffer[] = [];
      let headLength = 0;
      stream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        hash?.update(chunk);
        if (sniff && headLength < options.headBytes) {
          head.push(chunk.subarray(0, options.headBytes - headLength));
          headLength += Math.min(chunk.length, options.headBytes - headLength);
        }
      });
      stream.on("end", () => {
        if (hash) sums.set(header.path, hash.digest("hex"));
        if (sniff && headLength) header.head = Buffer.concat(head);
        next();
      });
      stream.on("error", reject);
    });
    extract.on("finish", () => resolve({ diffId: `sha256:${whole.digest("hex")}`, headers, sums }));
    extract.on("error", reject);
    layer.pipe(extract);
  });
}

/** Layers of the export that might be filesystem layers: legacy "<id>/layer.tar", or OCI "blobs/sha256/<diffID>". */
function layerCandidate(name: string, wanted: ReadonlySet<string>): boolean {
  if (name.endsWith("/layer.tar")) return true;
  const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
  return blob !== null && wanted.has(`sha256:${blob[1]}`);
}

/**
 * The wanted layers of an image, listed from the engine's export of it, and remembered in the layer cache (keyed by
 * diffID, like the folder reads). Layers already cached are not asked for again; when all are, nothing is exported.
 */
export async function exportImageLayers(
  engine: EngineConnection,
  imageId: string,
  options: ExportOptions,
): Promise<{ layers: Map<string, LayerAnalysis>; cached: Set<string> }> {
  const found = new Map<string, LayerAnalysis>();
  for (const diffId of options.wanted) {
    const known = cachedLayer(diffId, null, options.headBytes ?? 64);
    if (known) found.set(diffId, known);
  }
  const cached = new Set(found.keys());
  if (found.size === options.wanted.size) return { layers: found, cached };
  let image: Readable;
  try {
    image = (await dockerFor(engine).getImage(imageId).get()) as unknown as Readable;
  } catch (error) {
    throw toAppError(error);
  }
  const abort = () => image.destroy(new Error("cancelled"));
  const budget = { paths: EXPORT_MAX_PATHS };
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const outer = tar.extract();
      outer.on("entry", (header, stream, next) => {
        if (header.type !== "file" || !layerCandidate(header.name, options.wanted)) {
          drain(stream as unknown as Readable).then(() => next(), reject);
          return;
        }
        // Which layer it is is known once its bytes are hashed: digests are taken with the algorithm for the layers
        // above the base (for a layer that turns out to be a base layer they are simply not used).
        listLayerTar(stream as unknown as Readable, {
          algorithm: options.hash?.algorithm ?? null,
          headBytes: options.headBytes ?? 64,
          budget,
        }).then((listed) => {
          if (options.wanted.has(listed.diffId) && !found.has(listed.diffId)) {
            const sums = new Map<string, string>();
            if (options.hash?.diffIds.has(listed.diffId))
              for (const [file, digest] of listed.sums) sums.set(`${options.hash.algorithm}:${file}`, digest);
            const analysis: LayerAnalysis = {
              diffId: listed.diffId,
              layerDir: null,
              headers: listed.headers,
              headBytes: options.headBytes ?? 64,
              sums,
              warnings: [],
            };
            rememberLayer(analysis);
            found.set(listed.diffId, analysis);
          }
          next();
        }, reject);
      });
      outer.on("finish", resolve);
      outer.on("error", reject);
      image.on("error", reject);
      let received = 0;
      image.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > EXPORT_MAX_BYTES)
          reject(new Error(`the image's export is over the ${EXPORT_MAX_BYTES / 1024 ** 3} GiB Kura reads of it`));
      });
      image.pipe(outer);
    });
  } catch (error) {
    image.destroy(); // stop the engine's export: nothing more of it is read
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
  return { layers: found, cached };
}
