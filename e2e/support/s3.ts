import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";

// The real Ceph cluster of the tests (e2e/harness/ceph.mjs, started by `npm test`): its endpoint, keys and
// radosgw-admin, for the object-store tests. Not used by the app.

export type CephSettings = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; container: string };

/** The cluster's settings from the environment prepare.mjs exports; throws (never skips) when it is missing. */
export function cephSettings(): CephSettings {
  const endpoint = process.env.KURA_TEST_S3_ENDPOINT;
  const accessKeyId = process.env.KURA_TEST_S3_ACCESS_KEY;
  const secretAccessKey = process.env.KURA_TEST_S3_SECRET_KEY;
  if (!endpoint || !accessKeyId || !secretAccessKey)
    throw new Error(
      "No Ceph cluster for the object-store tests: run them through `npm test`, or start one with `node e2e/harness/ceph.mjs` " +
        "and export what it prints.",
    );
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: process.env.KURA_TEST_S3_REGION ?? "us-east-1",
    container: process.env.KURA_TEST_CEPH_CONTAINER ?? "kura-test-ceph",
  };
}

/** S3 client settings for the test user (or other keys). */
export function s3ClientConfig(settings = cephSettings(), keys?: { accessKeyId: string; secretAccessKey: string }): S3ClientConfig {
  return {
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: keys ?? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}

export function testS3Client(settings = cephSettings()): S3Client {
  return new S3Client(s3ClientConfig(settings));
}

/** radosgw-admin inside the cluster's container (argv, no shell). */
export function radosgwAdmin(argv: string[], settings = cephSettings()): string {
  const host = process.env.DOCKER_HOST ?? "unix:///run/kura-test-engine/docker.sock";
  return execFileSync("docker", ["-H", host, "exec", settings.container, "radosgw-admin", ...argv], { encoding: "utf8" });
}

/** A user of its own (for quota tests), with fresh keys. */
export function createCephUser(uid: string, settings = cephSettings()): { accessKeyId: string; secretAccessKey: string } {
  const accessKeyId = `KURA${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(20).toString("base64url");
  radosgwAdmin(
    ["user", "create", "--uid", uid, "--display-name", uid, "--access-key", accessKeyId, "--secret-key", secretAccessKey],
    settings,
  );
  return { accessKeyId, secretAccessKey };
}

/** A bucket name of its own for a test file (S3 rules: lowercase, digits, hyphens). */
export function uniqueBucket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}
