import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreVerified } from "@/e2e/support/restore-verified";
import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { readAll } from "@/e2e/support/test-files";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { startArchive } from "@/lib/archives/archive-container";
import { startVerify } from "@/lib/archives/verify-archive";
import { db } from "@/lib/db";
import { waitForJob } from "@/lib/jobs/job-runner";
import { getOverview } from "@/lib/overview/get-overview";
import { store } from "@/lib/store/store";

// The body of the encrypted-store integration tests (issue 16), shared by the folder and the bucket: a real
// container holding a file with a marker string is archived into an encrypted store; then every byte the store
// holds is searched for the marker (none), no stored name contains a plaintext SHA-256, and the archive verifies
// (and, where asked, restores) with the key. Not a test file itself: the *.int.test.ts files set the store up first.

/** A marker that compresses badly (random bytes follow it), so an unencrypted store keeps it readable: gzip level 0. */
export const MARKER = `kura-at-rest-marker-${randomBytes(6).toString("hex")}`;
const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

export type StoredObject = { name: string; bytes: Buffer };

export function describeEncryptedArchive(options: {
  label: string;
  /** Every file of the store folder, or every object of the bucket, with its name and bytes. */
  listStored(): Promise<StoredObject[]>;
  /** Also restore the archive into a new container and compare the file (minutes: a docker build). */
  restore: boolean;
}): void {
  const container = uniqueName("kura-it-enc-src");
  const restored = uniqueName("kura-it-enc-restored");
  const work = mkdtempSync(path.join(tmpdir(), "kura-it-enc-"));
  const secret = Buffer.concat([Buffer.from(`${MARKER}\n`), randomBytes(200 * 1024), Buffer.from(`\n${MARKER}\n`)]);
  const note = `${MARKER} in a short note\n`;

  describe(`an archive in an encrypted store (${options.label})`, () => {
    let archiveId = "";
    beforeAll(() => {
      runContainer({ name: container, image: BOOKWORM });
      exec(container, ["bash", "-c", `set -e; mkdir -p /srv/vault; printf '%s' '${note}' > /srv/vault/note.txt`]);
      writeFileSync(path.join(work, "secret.bin"), secret);
      docker(["cp", path.join(work, "secret.bin"), `${container}:/srv/vault/secret.bin`]);
    });
    afterAll(() => {
      removeContainer(container);
      removeContainer(restored);
      rmSync(work, { recursive: true, force: true });
    });

    it("archives, and the store holds neither the marker nor any plaintext SHA-256 as a name", async () => {
      expect(await store.encryption()).toBe("encrypted");
      expect((await getOverview()).store).toEqual({ encryption: "encrypted", problem: null });
      const { jobId, archiveId: id } = await startArchive({
        engineId: "local",
        containerRef: container,
        name: "encrypted it",
        actor: "tester",
      });
      const job = await waitForJob(jobId, 300_000);
      expect(job.error).toBeNull();
      archiveId = id;
      expect((await getArchiveSummary(id)).state).toBe("complete");
      const manifest = await readManifest(id);
      expect(manifest?.entries.find((entry) => entry.path === "/srv/vault/secret.bin")).toMatchObject({ sha256: sha(secret) });
      const row = await db.archive.findUniqueOrThrow({ where: { id } });
      const plaintextIds = [row.manifestSha!, ...manifest!.entries.flatMap((entry) => (entry.sha256 ? [entry.sha256] : []))];

      const stored = await options.listStored();
      // Sealed blobs, or (object store) packs of sealed small contents with sealed indexes: no index in the clear.
      expect(stored.filter((object) => /\.enc$|\/packs\//.test(object.name)).length).toBeGreaterThanOrEqual(2);
      expect(
        stored.filter((object) => /\/index\//.test(object.name) && !object.name.endsWith(".enc")).map((object) => object.name),
      ).toEqual([]);
      const withMarker = stored.filter((object) => object.bytes.includes(MARKER)).map((object) => object.name);
      expect(withMarker).toEqual([]);
      const namedByPlaintext = stored.filter((object) => plaintextIds.some((id) => object.name.includes(id))).map((object) => object.name);
      expect(namedByPlaintext).toEqual([]);
      // Nor the paths: the manifest (file names, owners) is a sealed blob too.
      expect(stored.filter((object) => object.bytes.includes("/srv/vault/")).map((object) => object.name)).toEqual([]);
      // Through the store, with the key, the bytes are the file's.
      expect(sha(await readAll(store.open(sha(secret))))).toBe(sha(secret));
    }, 320_000);

    it("verifies every blob", async () => {
      const { jobId } = await startVerify(archiveId, "tester");
      const job = await waitForJob(jobId, 120_000);
      expect(job.result).toMatchObject({ corrupt: [] });
      expect((job.result as { blobsChecked: number }).blobsChecked).toBeGreaterThanOrEqual(3);
    }, 130_000);

    it.runIf(options.restore)(
      "restores: the files come back with their bytes",
      async () => {
        await restoreVerified(archiveId, restored);
        expect(exec(restored, ["sha256sum", "/srv/vault/secret.bin"]).split(" ")[0]).toBe(sha(secret));
        expect(exec(restored, ["cat", "/srv/vault/note.txt"])).toBe(note.trimEnd());
      },
      900_000,
    );
  });
}
