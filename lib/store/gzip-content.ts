import { createHash } from "node:crypto";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { compressionLevelFor, SAMPLE_BYTES } from "./compression-level.mjs";

// A content streamed into the store, hashed as it passes and gzip-compressed the way the filesystem store does it
// (level 0, only wrapped, when its first 16 KiB do not shrink). Used by the object store, whose uploads consume the
// compressed chunks.

export type GzippedContent = {
  /** The compressed chunks; consuming them consumes the source. */
  chunks: AsyncGenerator<Buffer>;
  /** The content's SHA-256 and length, once `chunks` is done. */
  digest(): { sha256: string; size: number };
};

export function gzipContent(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  options: { compressionLevel: number; onBytes?: (n: number) => void },
): GzippedContent {
  const hash = createHash("sha256");
  let size = 0;
  let done = false;
  let digested: { sha256: string; size: number } | null = null;

  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(bytes);
      size += bytes.byteLength;
      options.onBytes?.(bytes.byteLength);
      yield bytes;
    }
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    const input = hashed();
    // The first SAMPLE_BYTES decide the level, so they are held back until then.
    const held: Buffer[] = [];
    let heldBytes = 0;
    let ended = false;
    while (heldBytes < SAMPLE_BYTES) {
      const next = await input.next();
      if (next.done) {
        ended = true;
        break;
      }
      held.push(next.value);
      heldBytes += next.value.byteLength;
    }
    const level = compressionLevelFor(Buffer.concat(held, Math.min(heldBytes, SAMPLE_BYTES)), options.compressionLevel);
    const gzip = createGzip({ level, chunkSize: 256 * 1024 });
    const write = async (chunk: Buffer) => {
      if (!gzip.write(chunk)) await once(gzip, "drain");
    };
    const feed = (async () => {
      for (const chunk of held) await write(chunk);
      held.length = 0;
      if (!ended) for (let next = await input.next(); !next.done; next = await input.next()) await write(next.value);
      gzip.end();
    })();
    feed.catch((err: unknown) => gzip.destroy(err instanceof Error ? err : new Error(String(err))));
    try {
      for await (const compressed of gzip) yield compressed as Buffer;
      await feed;
      done = true;
    } finally {
      if (!done) {
        gzip.destroy();
        // Not awaited: the feed may be waiting on a stalled source, which the caller destroys.
        void input.return(undefined).catch(() => undefined);
      }
    }
  }

  return {
    chunks: chunks(),
    digest() {
      if (!done) throw new Error("the content is not completely read yet");
      digested ??= { sha256: hash.digest("hex"), size };
      return digested;
    },
  };
}
