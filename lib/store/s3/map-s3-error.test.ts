import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { mapS3Error } from "./map-s3-error";

// The shapes the AWS SDK throws (an S3 error's name and HTTP status, or a socket error), turned into AppErrors.
const context = { location: "s3://kura/site-a/ at http://127.0.0.1:7480", bucket: "kura" };
const s3Error = (name: string, status: number) => Object.assign(new Error("UnknownError"), { name, $metadata: { httpStatusCode: status } });

describe("mapS3Error", () => {
  it("names what a person can act on, with the store's location", () => {
    const cases: [unknown, number, string][] = [
      [s3Error("QuotaExceeded", 403), 507, "store_quota_exceeded"],
      [s3Error("NoSuchBucket", 404), 502, "store_bucket_missing"],
      [s3Error("AccessDenied", 403), 502, "store_access_denied"],
      [s3Error("SignatureDoesNotMatch", 403), 502, "store_access_denied"],
      [s3Error("Forbidden", 403), 502, "store_access_denied"],
      [s3Error("InternalError", 500), 502, "store_error"],
      [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:7480"), { code: "ECONNREFUSED" }), 502, "store_unreachable"],
      [Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }) }), 502, "store_unreachable"],
    ];
    for (const [error, status, code] of cases) {
      const mapped = mapS3Error(error, context);
      expect(mapped, code).toBeInstanceOf(AppError);
      expect(mapped).toMatchObject({ status, code, message: expect.stringContaining("s3://kura/site-a/") });
    }
  });

  it("leaves aborts, its own errors and unknown errors as they are", () => {
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    const own = new AppError(404, "blob_not_found", "none");
    const plain = new TypeError("a bug");
    expect(mapS3Error(abort, context)).toBe(abort);
    expect(mapS3Error(own, context)).toBe(own);
    expect(mapS3Error(plain, context)).toBe(plain);
  });
});
