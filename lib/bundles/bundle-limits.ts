import { badRequest } from "@/lib/api/app-error";

// How much an imported bundle may hold. Enforced while the upload streams, so a hostile file is
// refused after reading at most a little more than the limit it breaks.

export type BundleLimits = {
  /** The upload as sent (gzip-compressed, or a plain tar). */
  maxCompressedBytes: number;
  /** The tar stream after gunzip, headers included. */
  maxUncompressedBytes: number;
  /** Tar entries of every kind, folders included. */
  maxEntries: number;
  /** kura/manifest.json, which is parsed in memory. */
  maxManifestBytes: number;
  /** Uncompressed / compressed bytes so far; checked once RATIO_GRACE_BYTES have been unpacked. */
  maxRatio: number;
};

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Small bundles (a few config files) compress very well and are harmless, so the ratio is left alone below this. */
export const RATIO_GRACE_BYTES = 4 * MiB;

// Note: a single gzip (deflate) stream cannot exceed about 1032:1, so the default ratio only matters for a caller
// that lowers it; the uncompressed total is what bounds a decompression bomb by default.
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxCompressedBytes: 50 * GiB,
  maxUncompressedBytes: 50 * GiB,
  maxEntries: 1_000_000,
  maxManifestBytes: 256 * MiB,
  maxRatio: 2000,
};

/** The defaults with `overrides` applied; each limit must be a positive number. */
export function resolveBundleLimits(overrides: Partial<BundleLimits> = {}): BundleLimits {
  const limits = { ...DEFAULT_BUNDLE_LIMITS };
  for (const key of Object.keys(DEFAULT_BUNDLE_LIMITS) as (keyof BundleLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!(typeof value === "number" && value > 0))
      throw badRequest("invalid_bundle_limit", `The bundle limit ${key} must be a positive number, not ${String(value)}.`);
    limits[key] = value;
  }
  return limits;
}
