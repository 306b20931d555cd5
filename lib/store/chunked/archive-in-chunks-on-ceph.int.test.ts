import { vi } from "vitest";

// KURA_STORE must name the bucket before lib/env.ts is read (this file runs in a process of its own).
vi.hoisted(() => {
  process.env.KURA_STORE = `s3://kura-chunks-it-${Date.now().toString(36)}/site-c`;
  // Without the cluster's variables the store fails with store_unreachable (assigning undefined would write "undefined").
  const fromCeph = {
    AWS_ENDPOINT_URL_S3: process.env.KURA_TEST_S3_ENDPOINT,
    AWS_ACCESS_KEY_ID: process.env.KURA_TEST_S3_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: process.env.KURA_TEST_S3_SECRET_KEY,
    AWS_REGION: process.env.KURA_TEST_S3_REGION ?? "us-east-1",
  };
  for (const [variable, value] of Object.entries(fromCeph)) if (value) process.env[variable] = value;
});

import { describeArchiveInChunks } from "./archive-in-chunks.shared";

describeArchiveInChunks("the store on Ceph RGW");
