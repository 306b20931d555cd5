import { AppError } from "@/lib/api/app-error";

// Turns what the S3 client throws into the AppError a person can act on (the one error mapper, lib/api/errors.ts,
// then answers it): never a 500 with a stack for an object store that is down, refuses us or is full.

export type S3ErrorContext = {
  /** `s3://bucket/prefix at <endpoint>`, for the messages. */
  location: string;
  bucket: string;
};

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
const DENIED = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "InvalidToken", "ExpiredToken"]);
const FULL = new Set(["QuotaExceeded", "InsufficientCapacity", "StorageFull", "XMinioStorageFull", "NotEnoughSpace"]);

/** The S3 error's name (its XML Code), or the HTTP status's name the SDK gives bodiless answers (HEAD). */
export function s3ErrorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const named = error as { name?: unknown; Code?: unknown };
  if (typeof named.Code === "string") return named.Code;
  return typeof named.name === "string" ? named.name : undefined;
}

export function s3Status(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    const name = (current as { name?: unknown }).name;
    if (name === "TimeoutError") return "timeout";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The AppError for `error`, or `error` itself when it is ours already, an abort, or not the object store's. */
export function mapS3Error(error: unknown, context: S3ErrorContext): unknown {
  if (error instanceof AppError) return error;
  if ((error as { name?: unknown } | null)?.name === "AbortError") return error;
  const network = networkCode(error);
  if (network)
    return new AppError(
      502,
      "store_unreachable",
      `The object store (${context.location}) does not answer (${network}). Check that it runs and that AWS_ENDPOINT_URL_S3 ` +
        "points at it, then try again.",
    );
  const name = s3ErrorName(error);
  const status = s3Status(error);
  if (name === undefined || status === undefined) return error;
  const detail = error instanceof Error && error.message && error.message !== name ? ` (${name}: ${error.message})` : ` (${name})`;
  if (FULL.has(name) || status === 507)
    return new AppError(
      507,
      "store_quota_exceeded",
      `The object store (${context.location}) refuses more data: its quota or capacity is reached${detail}. ` +
        "Free space (delete archives you no longer need) or raise the quota, then run the archive again.",
    );
  if (name === "NoSuchBucket")
    return new AppError(
      502,
      "store_bucket_missing",
      `The bucket "${context.bucket}" does not exist at ${context.location} and Kura could not create it. Create it, or give Kura's ` +
        "credentials the right to (s3:CreateBucket).",
    );
  if (DENIED.has(name) || status === 403)
    return new AppError(
      502,
      "store_access_denied",
      `The object store (${context.location}) refused Kura's credentials${detail}. Check AWS_ACCESS_KEY_ID and ` +
        "AWS_SECRET_ACCESS_KEY (or the profile Kura uses) and that they may read and write the bucket.",
    );
  return new AppError(502, "store_error", `The object store (${context.location}) answered with an error${detail}.`);
}
