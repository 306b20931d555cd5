// @ts-check
// Which gzip level the store uses for a content (shared by blob-store.ts and the blob worker,
// which runs outside the app bundle, hence plain JavaScript).

import { deflateRawSync } from "node:zlib";

/** How much of a content's start decides its level. */
export const SAMPLE_BYTES = 16 * 1024;

/**
 * gzip level for content starting like `head`: 0 (stored, only wrapped) when level 1 saves under 10% of its first
 * SAMPLE_BYTES (media, archives, encrypted files), else `level`; starts under 512 bytes get `level`.
 * @param {Uint8Array} head
 * @param {number} level
 * @returns {number}
 */
export function compressionLevelFor(head, level) {
  const sample = head.subarray(0, SAMPLE_BYTES);
  if (sample.byteLength < 512) return level;
  return deflateRawSync(sample, { level: 1 }).byteLength > sample.byteLength * 0.9 ? 0 : level;
}
