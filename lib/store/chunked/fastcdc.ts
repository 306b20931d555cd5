// Content-defined chunking, FastCDC (Xia et al., USENIX ATC 2016) with normalized chunking: a rolling Gear hash
// over the bytes, a cut where its masked bits are all zero. Cuts depend only on the bytes around them (the last 32
// for a 32-bit Gear hash), so an edit moves the cuts near it and no others: an edited file shares every other chunk
// with its earlier version. Pure and streaming: feed buffers in, get chunk lengths out.

export type ChunkSizes = { minBytes: number; avgBytes: number; maxBytes: number };

/** About 128 KiB chunks: a 1% change spread over a file in 100 places rewrites ~4% of it (see README, "Chunked content"). */
export const DEFAULT_CHUNK_SIZES: ChunkSizes = { minBytes: 32 * 1024, avgBytes: 128 * 1024, maxBytes: 512 * 1024 };

/** 256 pseudo-random 32-bit values, fixed for ever (they decide where every stored chunk was cut): from a xorshift32 seed. */
const GEAR = (() => {
  const table = new Uint32Array(256);
  let state = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    // Two xorshift32 steps per entry, mixing the halves, so neighbouring entries are unrelated.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const high = state;
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    table[i] = (high ^ (state >>> 16) ^ (state << 16)) >>> 0;
  }
  return table;
})();

/** A mask of `bits` one bits taken from the top of the word (the Gear hash's high bits depend on the most bytes). */
function topMask(bits: number): number {
  return bits >= 32 ? 0xffffffff : ((0xffffffff << (32 - bits)) >>> 0) | 0;
}

export function checkChunkSizes(sizes: ChunkSizes): void {
  const { minBytes, avgBytes, maxBytes } = sizes;
  if (!(Number.isInteger(minBytes) && Number.isInteger(avgBytes) && Number.isInteger(maxBytes)))
    throw new Error("chunk sizes must be whole numbers of bytes");
  if (!(64 <= minBytes && minBytes < avgBytes && avgBytes < maxBytes)) throw new Error("chunk sizes need 64 <= min < avg < max");
  if ((avgBytes & (avgBytes - 1)) !== 0) throw new Error("the average chunk size must be a power of two");
}

/**
 * Splits a stream of bytes into content-defined chunks. `push` takes the next bytes and returns the lengths of the
 * chunks completed so far (in order); `end` returns the length of the last one (0 when nothing is pending). The
 * caller keeps the bytes; the chunker only counts.
 */
export function createChunker(sizes: ChunkSizes = DEFAULT_CHUNK_SIZES) {
  checkChunkSizes(sizes);
  const { minBytes, avgBytes, maxBytes } = sizes;
  const bits = Math.round(Math.log2(avgBytes));
  // Normalized chunking (level 2): harder to cut before the average, easier after, so sizes cluster around it.
  const maskSmall = topMask(bits + 2);
  const maskLarge = topMask(bits - 2);
  const gear = GEAR;
  let hash = 0;
  let length = 0; // bytes of the chunk in progress

  return {
    push(bytes: Uint8Array): number[] {
      const cuts: number[] = [];
      let i = 0;
      const end = bytes.length;
      while (i < end) {
        // Bytes before the minimum cannot end a chunk: skipped without hashing (FastCDC's cut-point skipping), except
        // the last 32, the Gear hash's window (a 32-bit hash shifted left forgets older bytes), so the hash at every
        // possible cut depends on the content only, not on how the stream was split into buffers.
        if (length < minBytes - 32) {
          const skip = Math.min(minBytes - 32 - length, end - i);
          length += skip;
          i += skip;
          continue;
        }
        if (length < minBytes) {
          const stop = Math.min(end, i + (minBytes - length));
          while (i < stop) {
            hash = ((hash << 1) + GEAR[bytes[i]!]!) | 0;
            i += 1;
            length += 1;
          }
          continue;
        }
        const mask = length < avgBytes ? maskSmall : maskLarge;
        const stop = Math.min(end, i + ((length < avgBytes ? avgBytes : maxBytes) - length));
        // The hot loop: locals only (a closure variable written per byte costs several times more).
        let h = hash;
        let at = i;
        let cut = false;
        while (at < stop) {
          h = ((h << 1) + gear[bytes[at++]!]!) | 0;
          if ((h & mask) === 0) {
            cut = true;
            break;
          }
        }
        length += at - i;
        i = at;
        hash = h;
        if (cut || length >= maxBytes) {
          cuts.push(length);
          length = 0;
          hash = 0;
        }
      }
      return cuts;
    },
    end(): number {
      const last = length;
      length = 0;
      hash = 0;
      return last;
    },
  };
}

/** The chunk lengths of a whole buffer (for tests and small inputs). */
export function chunkLengths(bytes: Uint8Array, sizes: ChunkSizes = DEFAULT_CHUNK_SIZES): number[] {
  const chunker = createChunker(sizes);
  const lengths = chunker.push(bytes);
  const last = chunker.end();
  if (last) lengths.push(last);
  return lengths;
}
