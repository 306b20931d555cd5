import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The store on a Ceph user whose quota (set with radosgw-admin) is 1 MiB: created before lib/env.ts is read (this
// file runs in a process of its own), and its keys are the dashboard's AWS credentials.
const quota = await vi.hoisted(async () => {
  const { execFileSync } = await import("node:child_process");
  const uid = `kura-quota-it-${Date.now().toString(36)}`;
  const bucket = `kura-quota-it-${Date.now().toString(36)}`;
  const container = process.env.KURA_TEST_CEPH_CONTAINER ?? "kura-test-ceph";
  const host = process.env.DOCKER_HOST ?? "unix:///run/kura-test-engine/docker.sock";
  const admin = (argv: string[]) => execFileSync("docker", ["-H", host, "exec", container, "radosgw-admin", ...argv], { encoding: "utf8" });
  const accessKeyId = `KURAQ${Date.now().toString(36).toUpperCase()}`;
  const secretAccessKey = `quota-secret-${Date.now().toString(36)}`;
  let ready = false;
  if (process.env.KURA_TEST_S3_ENDPOINT) {
    admin(["user", "create", "--uid", uid, "--display-name", uid, "--access-key", accessKeyId, "--secret-key", secretAccessKey]);
    admin(["quota", "set", "--quota-scope=user", `--uid=${uid}`, "--max-size=1048576"]);
    admin(["quota", "enable", "--quota-scope=user", `--uid=${uid}`]);
    process.env.KURA_STORE = `s3://${bucket}`;
    process.env.AWS_ENDPOINT_URL_S3 = process.env.KURA_TEST_S3_ENDPOINT;
    process.env.AWS_ACCESS_KEY_ID = accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
    process.env.AWS_REGION = process.env.KURA_TEST_S3_REGION ?? "us-east-1";
    ready = true;
  }
  return { uid, bucket, accessKeyId, secretAccessKey, ready, admin };
});

import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { cephSettings, s3ClientConfig } from "@/e2e/support/s3";
import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { startArchive } from "@/lib/archives/archive-container";
import { db } from "@/lib/db";
import { waitForJob } from "@/lib/jobs/job-runner";

// An archive into an object store whose quota is reached: the job fails with the store's sentence (no stack, no 500),
// the archive is failed, never listed complete, and its manifest is not in the bucket.

const container = uniqueName("kura-it-ceph-quota");
const work = mkdtempSync(path.join(tmpdir(), "kura-it-ceph-quota-"));
const BIG = randomBytes(6 * 1024 * 1024);

describe("an archive into a Ceph bucket whose quota is reached", () => {
  beforeAll(() => {
    cephSettings(); // fails clearly when the cluster is missing
    expect(quota.ready).toBe(true);
    runContainer({ name: container, image: BOOKWORM });
    exec(container, ["mkdir", "-p", "/srv/data"]);
    const file = path.join(work, "big.bin");
    writeFileSync(file, BIG);
    docker(["cp", file, `${container}:/srv/data/big.bin`]);
  });

  afterAll(() => {
    removeContainer(container);
    rmSync(work, { recursive: true, force: true });
    if (quota.ready) quota.admin(["user", "rm", `--uid=${quota.uid}`, "--purge-data"]);
  });

  it("fails the job with store_quota_exceeded's sentence and lists nothing complete", async () => {
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: container, name: "quota it", actor: "tester" });
    const job = await waitForJob(jobId, 300_000);
    expect(job.state).toBe("failed");
    // radosgw answers QuotaExceeded, or (when it refuses the body part-way) closes the connection: both say "quota".
    expect(job.error).toMatch(
      /refuses more data: its quota or capacity is reached \(QuotaExceeded|refuses the object, most likely because a quota/,
    );
    expect(job.error).not.toMatch(/\n\s+at /);
    const summary = await getArchiveSummary(archiveId);
    expect(summary.state).toBe("failed");
    const row = await db.archive.findUniqueOrThrow({ where: { id: archiveId } });
    expect(row.manifestSha).toBeNull();
    // What is in the bucket are whole blobs and packs of small files with their indexes (what fitted), never the big
    // file nor a tmp/ leftover.
    const client = new S3Client(s3ClientConfig(cephSettings(), { accessKeyId: quota.accessKeyId, secretAccessKey: quota.secretAccessKey }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: quota.bucket }));
    const keys = (listed.Contents ?? []).map((item) => item.Key!);
    expect(keys.filter((key) => !/^(blobs|packs|index)\/|^layout\.json$/.test(key))).toEqual([]);
    expect(keys).not.toContain(
      `blobs/${createHash("sha256").update(BIG).digest("hex").slice(0, 2)}/${createHash("sha256").update(BIG).digest("hex")}.gz`,
    );
  });
});
