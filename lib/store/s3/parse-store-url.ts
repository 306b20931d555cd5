// KURA_STORE's object-store form, `s3://bucket/prefix`. Pure.

export type S3StoreLocation = {
  bucket: string;
  /** "" or a key prefix ending with "/" (every key of the store starts with it). */
  prefix: string;
};

// S3's bucket naming rules (3-63 characters, lowercase letters, digits, dots and hyphens, a letter or digit at both
// ends, not an IP address); Ceph and the other S3 stores accept these names too.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Plain key segments only, so a prefix never needs escaping (in CopySource) and cannot climb out with "..".
const SEGMENT = /^[A-Za-z0-9_.-]{1,200}$/;

/** Parses `s3://bucket` or `s3://bucket/some/prefix`; throws an Error that says what is wrong. */
export function parseStoreUrl(value: string): S3StoreLocation {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not an object-store location: write s3://bucket or s3://bucket/prefix`);
  const bucket = match[1] ?? "";
  if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    throw new Error(
      `"${bucket}" is not a valid bucket name: 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`,
    );
  const segments = (match[2] ?? "").split("/").filter((segment) => segment !== "");
  for (const segment of segments)
    if (!SEGMENT.test(segment) || segment === "." || segment === "..")
      throw new Error(`"${segment}" is not allowed in the store's prefix: use letters, digits, '.', '_' and '-' between slashes`);
  return { bucket, prefix: segments.length ? `${segments.join("/")}/` : "" };
}
