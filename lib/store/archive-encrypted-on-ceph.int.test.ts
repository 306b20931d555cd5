import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { vi } from "vitest";

// An encrypted store in a bucket of its own, set before lib/env.ts is read (this file runs in a process of its own).
const bucket = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports, so it imports what it needs itself.
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const name = `kura-encrypted-it-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), "kura-it-encrypted-s3-"));
  writeFileSync(join(dir, "store.key"), "a bucket passphrase 3c9d\n", { mode: 0o600 });
  process.env.KURA_DATA_DIR = dir;
  process.env.KURA_STORE = `s3://${name}/site-enc`;
  process.env.KURA_STORE_KEY_FILE = join(dir, "store.key");
  // Without the cluster's variables the test fails with cephSettings()'s message (assigning undefined would write "undefined").
  const fromCeph = {
    AWS_ENDPOINT_URL_S3: process.env.KURA_TEST_S3_ENDPOINT,
    AWS_ACCESS_KEY_ID: process.env.KURA_TEST_S3_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: process.env.KURA_TEST_S3_SECRET_KEY,
    AWS_REGION: process.env.KURA_TEST_S3_REGION ?? "us-east-1",
  };
  for (const [variable, value] of Object.entries(fromCeph)) if (value) process.env[variable] = value;
  return name;
});

import { testS3Client } from "@/e2e/support/s3";
import { describeEncryptedArchive } from "./crypto/encrypted-archive-life";

// Issue 16 on the object store (Ceph RGW): the bucket encrypted with KURA_STORE_KEY_FILE, a real container archived,
// every object of the bucket read and searched, the archive verified and restored.

describeEncryptedArchive({
  label: "bucket on Ceph RGW",
  restore: true,
  async listStored() {
    const client = testS3Client();
    const objects = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
      for (const item of page.Contents ?? []) {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: item.Key! }));
        objects.push({ name: item.Key!, bytes: Buffer.from(await answer.Body!.transformToByteArray()) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  },
});
