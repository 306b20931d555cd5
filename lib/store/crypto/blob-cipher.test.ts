import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { readAll } from "@/e2e/support/test-files";
import { deriveBlobKeys, FRAME_BYTES, HEADER_BYTES, opening, sealedName, sealing, sealSync, TAG_BYTES } from "./blob-cipher.mjs";

// The sealed format of an encrypted store's blobs: what goes in comes out, and any change to the sealed bytes
// (a flipped byte, a cut, frames swapped, another key) is refused, never handed back as content.

const keys = deriveBlobKeys(randomBytes(32));

async function sealStreamed(bytes: Buffer, contentKey = keys.contentKey, chunk = 10_000): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of sealing(contentKey)(Readable.from(chunksOf(bytes, chunk)))) parts.push(part);
  return Buffer.concat(parts);
}

function* chunksOf(bytes: Buffer, size: number) {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

const open = (sealed: Buffer, contentKey = keys.contentKey) =>
  readAll(Readable.from(chunksOf(sealed, 7_777)).pipe(opening(contentKey)) as unknown as Readable);

async function openFails(sealed: Buffer, contentKey = keys.contentKey): Promise<Error> {
  const sink: Buffer[] = [];
  return pipeline(Readable.from(chunksOf(sealed, 7_777)), opening(contentKey), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) sink.push(chunk);
  }).then(
    () => expect.fail("opened altered content"),
    (error: Error) => error,
  );
}

describe("sealing a blob", () => {
  it.each([0, 1, 1000, FRAME_BYTES - 1, FRAME_BYTES, FRAME_BYTES + 1, 3 * FRAME_BYTES, 3 * FRAME_BYTES + 5])(
    "gives %i bytes back exactly, streamed or whole",
    async (length) => {
      const content = randomBytes(length);
      const streamed = await sealStreamed(content);
      const whole = sealSync(keys.contentKey, content);
      const frames = Math.max(1, Math.ceil(length / FRAME_BYTES));
      expect(whole.length).toBe(HEADER_BYTES + length + frames * TAG_BYTES);
      expect(streamed.length).toBeGreaterThanOrEqual(whole.length);
      expect(await open(streamed)).toEqual(content);
      expect(await open(whole)).toEqual(content);
      // A random salt per blob: the same content never seals to the same bytes.
      expect(whole.equals(sealSync(keys.contentKey, content))).toBe(false);
    },
  );

  it("holds no plaintext: a marker in the content is not in the sealed bytes", async () => {
    const marker = "KURA-MARKER-7f3a9c";
    const content = Buffer.from(`${marker}\n`.repeat(5000));
    expect((await sealStreamed(content)).includes(marker)).toBe(false);
    expect(sealSync(keys.contentKey, content).includes(marker)).toBe(false);
  });

  it("refuses a flipped byte anywhere: header, a middle frame, the last tag", async () => {
    const sealed = await sealStreamed(randomBytes(3 * FRAME_BYTES + 100));
    for (const at of [3, HEADER_BYTES + 2, HEADER_BYTES + FRAME_BYTES + TAG_BYTES + 500, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      const error = await openFails(altered);
      expect(error).toMatchObject({ code: "ERR_KURA_BLOB_SEALED_DAMAGED" });
      expect(error.message).toMatch(/header|fails authentication/);
    }
  });

  it("refuses content cut short, also exactly at a frame boundary, and frames swapped", async () => {
    const sealed = await sealStreamed(randomBytes(3 * FRAME_BYTES + 100));
    const frame = FRAME_BYTES + TAG_BYTES;
    expect((await openFails(sealed.subarray(0, sealed.length - 10))).message).toMatch(/cut short/);
    // Cut after two whole frames: each frame authenticates, but the second was not sealed as the last.
    expect((await openFails(sealed.subarray(0, HEADER_BYTES + 2 * frame))).message).toMatch(/the last, fails authentication/);
    expect((await openFails(sealed.subarray(0, 20))).message).toMatch(/shorter than a sealed blob's header/);
    const swapped = Buffer.concat([
      sealed.subarray(0, HEADER_BYTES),
      sealed.subarray(HEADER_BYTES + frame, HEADER_BYTES + 2 * frame),
      sealed.subarray(HEADER_BYTES, HEADER_BYTES + frame),
      sealed.subarray(HEADER_BYTES + 2 * frame),
    ]);
    expect((await openFails(swapped)).message).toMatch(/frame 1 fails authentication/);
  });

  it("refuses another key, and content that was never sealed", async () => {
    const content = randomBytes(5000);
    const other = deriveBlobKeys(randomBytes(32));
    expect((await openFails(sealSync(keys.contentKey, content), other.contentKey)).message).toMatch(/fails authentication/);
    expect((await openFails(randomBytes(5000))).message).toMatch(/not Kura's/);
  });

  it("names content by a keyed hash: stable per key, different across keys, never the SHA-256 itself", () => {
    const sha = "a".repeat(64);
    const name = sealedName(keys.nameKey, sha);
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(name).not.toBe(sha);
    expect(sealedName(keys.nameKey, sha)).toBe(name);
    expect(sealedName(deriveBlobKeys(randomBytes(32)).nameKey, sha)).not.toBe(name);
  });
});
