import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chunkLengths, createChunker, DEFAULT_CHUNK_SIZES, type ChunkSizes } from "./fastcdc";

const SIZES: ChunkSizes = { minBytes: 16 * 1024, avgBytes: 64 * 1024, maxBytes: 256 * 1024 };
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Random-looking bytes that are the same on every run (AES-256-CTR of zeros under a key made from `seed`): how many
 * chunks an edit changes depends on where the content's cut points fall, and once in a while random bytes put one
 * just so that the chunks take longer to agree again; a fixed input makes the bound a fact, not a probability.
 */
function seededBytes(length: number, seed: string): Buffer {
  const key = createHash("sha256").update(seed).digest();
  return createCipheriv("aes-256-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** The chunks' SHA-256s, as the store would name them. */
function chunkIds(bytes: Buffer, sizes: ChunkSizes = SIZES): string[] {
  let offset = 0;
  return chunkLengths(bytes, sizes).map((length) => {
    const id = createHash("sha256")
      .update(bytes.subarray(offset, offset + length))
      .digest("hex");
    offset += length;
    return id;
  });
}

describe("FastCDC chunking", () => {
  it("covers the input exactly, within the bounds, about the average size", () => {
    const bytes = randomBytes(16 * 1024 * 1024);
    const lengths = chunkLengths(bytes, SIZES);
    expect(sum(lengths)).toBe(bytes.length);
    for (const length of lengths.slice(0, -1)) {
      expect(length).toBeGreaterThanOrEqual(SIZES.minBytes);
      expect(length).toBeLessThanOrEqual(SIZES.maxBytes);
    }
    const mean = bytes.length / lengths.length;
    expect(mean).toBeGreaterThan(SIZES.avgBytes * 0.6);
    expect(mean).toBeLessThan(SIZES.avgBytes * 1.6);
  });

  it("is deterministic, whatever buffers the stream arrives in", () => {
    const bytes = randomBytes(4 * 1024 * 1024);
    const whole = chunkLengths(bytes, SIZES);
    expect(chunkLengths(bytes, SIZES)).toEqual(whole);
    const chunker = createChunker(SIZES);
    const pieces: number[] = [];
    // Odd, varying piece sizes, some smaller than the hash window.
    for (let offset = 0, step = 1; offset < bytes.length; offset += step, step = (step * 7 + 13) % 50_000 || 1)
      pieces.push(...chunker.push(bytes.subarray(offset, Math.min(bytes.length, offset + step))));
    const last = chunker.end();
    if (last) pieces.push(last);
    expect(pieces).toEqual(whole);
  });

  it("cuts by content: bytes inserted near the start change only the chunks around them", () => {
    const bytes = seededBytes(8 * 1024 * 1024, "insert");
    const before = chunkIds(bytes);
    const edited = Buffer.concat([bytes.subarray(0, 100_000), seededBytes(777, "inserted"), bytes.subarray(100_000)]);
    const after = chunkIds(edited);
    const kept = new Set(before);
    const changed = after.filter((id) => !kept.has(id));
    expect(before.length).toBeGreaterThan(60);
    // A fixed-size split would change every chunk after the insertion; here only one or two around it.
    expect(changed.length).toBeLessThanOrEqual(3);
    expect(after.length - changed.length).toBeGreaterThan(before.length - 4);
  });

  it("an overwrite in place changes only the chunks it touches", () => {
    const bytes = seededBytes(8 * 1024 * 1024, "overwrite");
    const before = new Set(chunkIds(bytes));
    const edited = Buffer.from(bytes);
    seededBytes(10_000, "written").copy(edited, 5_000_000);
    const changed = chunkIds(edited).filter((id) => !before.has(id));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(3);
  });

  it("cuts at the maximum in content that never matches (all zeros), and respects the default sizes", () => {
    const zeros = Buffer.alloc(3 * 1024 * 1024 + 5);
    const lengths = chunkLengths(zeros);
    expect(lengths.slice(0, -1).every((length) => length === DEFAULT_CHUNK_SIZES.maxBytes)).toBe(true);
    expect(sum(lengths)).toBe(zeros.length);
    expect(chunkLengths(Buffer.alloc(0))).toEqual([]);
    expect(chunkLengths(Buffer.from("tiny"))).toEqual([4]);
  });

  it("refuses sizes that do not make sense", () => {
    expect(() => createChunker({ minBytes: 10, avgBytes: 64, maxBytes: 128 })).toThrow();
    expect(() => createChunker({ minBytes: 1024, avgBytes: 3000, maxBytes: 9000 })).toThrow(/power of two/);
  });
});
