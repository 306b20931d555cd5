// @ts-check
// How an encrypted store seals a blob (issue 16): the gzip bytes the store would write, cut into 64 KiB frames, each
// sealed with AES-256-GCM. Shared by both backends (blob-store.ts, create-s3-blob-store.ts) and by the blob writer's
// worker threads, which start by path outside the app bundle, hence plain JavaScript with Node built-ins only.
//
//   header  "KURAENC1" + 32 random bytes (the blob's salt)
//   frames  AES-256-GCM(frame key, nonce = 0x000000 | frame index (8 bytes, big-endian) | last flag, AAD = header)
//           each FRAME_BYTES of plaintext (the last one shorter, possibly empty) followed by its 16-byte tag
//
// The frame key is HKDF-SHA256(content key, salt, "kura blob frames v1"): a key of its own per blob, so the
// counter nonces never repeat under one key. The index in the nonce makes reordered or repeated frames fail; the
// last flag makes a blob cut at a frame boundary fail (its new last frame was sealed as "not last"); the header
// as AAD makes a swapped salt fail. A blob is named by HMAC-SHA256(name key, its SHA-256), so a name says nothing
// about which content it holds, yet the same content always gets the same name (deduplication keeps working).

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { Transform } from "node:stream";

export const MAGIC = Buffer.from("KURAENC1", "latin1");
export const HEADER_BYTES = MAGIC.byteLength + 32;
export const FRAME_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
const SEALED_FRAME_BYTES = FRAME_BYTES + TAG_BYTES;

/** A sealed blob fails authentication or is cut short: its bytes were altered, or it was sealed under another key. */
export class BlobCipherError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "BlobCipherError";
    this.code = "ERR_KURA_BLOB_SEALED_DAMAGED";
  }
}
export const BLOB_CIPHER_ERROR = "ERR_KURA_BLOB_SEALED_DAMAGED";

/**
 * The two keys an encrypted store uses, derived from its repository key.
 * @param {Uint8Array} repositoryKey 32 bytes
 * @returns {{ contentKey: Buffer; nameKey: Buffer }}
 */
export function deriveBlobKeys(repositoryKey) {
  const derive = (/** @type {string} */ info) => Buffer.from(hkdfSync("sha256", repositoryKey, Buffer.alloc(0), info, 32));
  return { contentKey: derive("kura store content v1"), nameKey: derive("kura store names v1") };
}

/**
 * The stored name (without extension) of the content whose SHA-256 is `sha256`: 64 hex characters that reveal nothing.
 * @param {Uint8Array} nameKey
 * @param {string} sha256
 */
export function sealedName(nameKey, sha256) {
  return createHmac("sha256", nameKey).update(`kura-blob:${sha256}`).digest("hex");
}

/** @param {Uint8Array} contentKey @param {Buffer} header */
function frameKeyOf(contentKey, header) {
  return Buffer.from(hkdfSync("sha256", contentKey, header.subarray(MAGIC.byteLength), "kura blob frames v1", 32));
}

/** @param {number} index @param {boolean} last */
function nonceOf(index, last) {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 3);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** @param {Buffer} frameKey @param {Buffer} header @param {number} index @param {boolean} last @param {Uint8Array} plain */
function sealFrame(frameKey, header, index, last, plain) {
  const cipher = createCipheriv("aes-256-gcm", frameKey, nonceOf(index, last));
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]);
}

/** @param {Buffer} frameKey @param {Buffer} header @param {number} index @param {boolean} last @param {Buffer} sealed */
function openFrame(frameKey, header, index, last, sealed) {
  if (sealed.byteLength < TAG_BYTES) throw new BlobCipherError(`the sealed content is cut short in frame ${index + 1}`);
  const decipher = createDecipheriv("aes-256-gcm", frameKey, nonceOf(index, last));
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    throw new BlobCipherError(
      last
        ? `frame ${index + 1}, the last, fails authentication: the sealed content was altered or cut short`
        : `frame ${index + 1} fails authentication: the sealed content was altered`,
    );
  }
}

function newHeader() {
  return Buffer.concat([MAGIC, randomBytes(HEADER_BYTES - MAGIC.byteLength)]);
}

/**
 * Seals bytes held whole (the worker threads' path).
 * @param {Uint8Array} contentKey
 * @param {Uint8Array} bytes
 * @returns {Buffer}
 */
export function sealSync(contentKey, bytes) {
  const header = newHeader();
  const frameKey = frameKeyOf(contentKey, header);
  const parts = [header];
  const frames = Math.max(1, Math.ceil(bytes.byteLength / FRAME_BYTES));
  for (let index = 0; index < frames; index++) {
    const start = index * FRAME_BYTES;
    parts.push(sealFrame(frameKey, header, index, index === frames - 1, bytes.subarray(start, start + FRAME_BYTES)));
  }
  return Buffer.concat(parts);
}

/**
 * Seals a stream of chunks as it passes (for stream.pipeline): the header first, then each full frame once the next
 * byte shows it is not the last, then the last frame.
 * @param {Uint8Array} contentKey
 * @returns {(chunks: AsyncIterable<Buffer | Uint8Array>) => AsyncGenerator<Buffer>}
 */
export function sealing(contentKey) {
  return async function* (chunks) {
    const header = newHeader();
    const frameKey = frameKeyOf(contentKey, header);
    yield header;
    let index = 0;
    /** @type {Buffer} */
    let pending = Buffer.alloc(0);
    for await (const chunk of chunks) {
      pending = pending.byteLength ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
      // A full frame is only "not last" once more bytes follow it.
      let offset = 0;
      const out = [];
      while (pending.byteLength - offset > FRAME_BYTES) {
        out.push(sealFrame(frameKey, header, index++, false, pending.subarray(offset, offset + FRAME_BYTES)));
        offset += FRAME_BYTES;
      }
      if (offset) pending = Buffer.from(pending.subarray(offset));
      if (out.length) yield out.length === 1 ? /** @type {Buffer} */ (out[0]) : Buffer.concat(out);
    }
    yield sealFrame(frameKey, header, index, true, pending);
  };
}

/**
 * The opposite of sealing, as a Transform: fails with a BlobCipherError when a frame fails authentication or the
 * content ends early.
 * @param {Uint8Array} contentKey
 * @returns {Transform}
 */
export function opening(contentKey) {
  /** @type {Buffer | null} */
  let header = null;
  /** @type {Buffer | null} */
  let frameKey = null;
  let index = 0;
  /** @type {Buffer} */
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk, _encoding, callback) {
      try {
        pending = pending.byteLength ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
        if (!header) {
          if (pending.byteLength < HEADER_BYTES) return callback();
          header = Buffer.from(pending.subarray(0, HEADER_BYTES));
          if (!header.subarray(0, MAGIC.byteLength).equals(MAGIC))
            throw new BlobCipherError("it does not start as a sealed blob (the header is not Kura's)");
          frameKey = frameKeyOf(contentKey, header);
          pending = pending.subarray(HEADER_BYTES);
        }
        let offset = 0;
        while (pending.byteLength - offset > SEALED_FRAME_BYTES) {
          this.push(
            openFrame(/** @type {Buffer} */ (frameKey), header, index++, false, pending.subarray(offset, offset + SEALED_FRAME_BYTES)),
          );
          offset += SEALED_FRAME_BYTES;
        }
        if (offset) pending = Buffer.from(pending.subarray(offset));
        callback();
      } catch (error) {
        callback(/** @type {Error} */ (error));
      }
    },
    flush(callback) {
      try {
        if (!header || !frameKey) throw new BlobCipherError("it is shorter than a sealed blob's header");
        this.push(openFrame(frameKey, header, index, true, pending));
        callback();
      } catch (error) {
        callback(/** @type {Error} */ (error));
      }
    },
  });
}
