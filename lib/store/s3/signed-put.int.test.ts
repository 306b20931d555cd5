import { randomBytes } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { cephSettings, s3ClientConfig, testS3Client } from "@/e2e/support/s3";
import { mapS3Error } from "./map-s3-error";
import { createSignedPut, encodeKeyPath } from "./signed-put";

// The small contents' conditional create (signed-put.ts) against the real Ceph RGW: the object it creates is the one
// the SDK reads back (bytes, type, metadata), a second create of the key is refused with 412 as with the SDK, and
// failures read like the SDK's (wrong keys, no endpoint answering) through the store's error mapper.

const bucket = `kura-signed-put-${Date.now().toString(36)}`;
const context = { location: `s3://${bucket}/`, bucket };

describe("the signed conditional PUT", () => {
  let client: S3Client;
  beforeAll(async () => {
    client = testS3Client();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it("creates the object the SDK reads back, with its type and metadata, also under a key that needs escaping", async () => {
    const put = createSignedPut(client, cephSettings().endpoint, bucket)!;
    const body = randomBytes(50_000);
    const key = "prefix with space/blobs/ab/(odd)*name!'.gz";
    await put(key, body, { "content-type": "application/gzip", "x-amz-meta-kura-size": "123" });
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ContentType).toBe("application/gzip");
    expect(got.Metadata).toEqual({ "kura-size": "123" });
  });

  it("a second create of the same key is a 412, as the store expects of concurrent writers", async () => {
    const put = createSignedPut(client, cephSettings().endpoint, bucket)!;
    const key = `blobs/cd/${randomBytes(8).toString("hex")}.gz`;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => put(key, randomBytes(1000), {})));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    for (const result of results.filter((item) => item.status === "rejected"))
      expect((result as PromiseRejectedResult).reason).toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it("wrong keys and an endpoint that does not answer read like the SDK's failures", async () => {
    const wrongKeys = new S3Client(s3ClientConfig(cephSettings(), { accessKeyId: "NOSUCHKEY", secretAccessKey: "wrong-secret" }));
    const denied = await createSignedPut(wrongKeys, cephSettings().endpoint, bucket)!("blobs/x.gz", Buffer.from("x"), {}).catch(
      (error: unknown) => error,
    );
    expect(mapS3Error(denied, context)).toMatchObject({ code: "store_access_denied" });
    const nobody = await createSignedPut(client, "http://127.0.0.1:9", bucket)!("blobs/x.gz", Buffer.from("x"), {}).catch(
      (error: unknown) => error,
    );
    expect(mapS3Error(nobody, context)).toMatchObject({ code: "store_unreachable" });
  });

  it("is not used without an explicit endpoint (the SDK resolves AWS's own)", () => {
    expect(createSignedPut(client, undefined, bucket)).toBeNull();
    expect(encodeKeyPath("a b/c*d")).toBe("a%20b/c%2Ad");
  });
});
