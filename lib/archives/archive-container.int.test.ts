import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { readManifest, getArchiveSummary } from "@/lib/archives/archive-registry";
import { store } from "@/lib/store/store";
import { db } from "@/lib/db";
import { databaseIsShared } from "@/lib/jobs/replica";
import { startArchive } from "./archive-container";
import { cancelJob, waitForJob } from "../jobs/job-runner";
import { recoverAfterRestart } from "../jobs/recover-after-restart";
import { startVerify } from "./verify-archive";

// Archiving on the real engine, into the real store and database.

const name = uniqueName("kura-it-archive");
const volume = uniqueName("kura-it-archive-vol");
const bindDir = mkdtempSync(path.join(tmpdir(), "kura-it-archive-bind-"));
const ODD = "/srv/app/ünïcode file ü.txt";

const SETUP = [
  "set -e",
  "useradd -u 1600 -m carol",
  "mkdir -p /srv/app/empty",
  `printf 'spaces and accents' > '${ODD}'`,
  "ln -s data.txt /srv/app/link",
  "printf 'customer records' > /srv/app/data.txt",
  "ln /srv/app/data.txt /srv/app/data-hardlink.txt",
  "printf 'secret of carol' > /srv/app/private.txt && chown carol:carol /srv/app/private.txt && chmod 600 /srv/app/private.txt",
  "head -c 20971520 /dev/urandom > /srv/app/big.bin",
  "printf 'in the volume' > /var/lib/appdata/v.txt",
].join("\n");

let firstArchiveId = "";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function readBlob(sha: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("archive a container", () => {
  beforeAll(() => {
    writeFileSync(path.join(bindDir, "b.txt"), "in the bind mount");
    runContainer({ name, image: BOOKWORM, volumes: [`${volume}:/var/lib/appdata`, `${bindDir}:/mnt/bind`] });
    exec(name, ["bash", "-c", SETUP]);
  });
  afterAll(() => {
    removeContainer(name);
    try {
      docker(["volume", "rm", volume]);
    } catch {}
  });

  it("keeps every selected entry with its metadata, and the store returns the exact bytes", async () => {
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: name, name: "it archive", actor: "tester" });
    const job = await waitForJob(jobId, 300_000);
    expect(job.error).toBeNull();
    expect(job.state).toBe("succeeded");
    // Kura runs on the engine's host here, so the layer is read from its folder, not through the archive API.
    expect(job.result).toMatchObject({ layerRead: "folder" });
    // The progress counted files beside bytes (what the progress bar shows).
    expect(job.progress).toMatchObject({ unit: "bytes", items: { unit: "files", total: expect.any(Number) } });
    expect(job.progress.items!.done).toBe(job.progress.items!.total);
    expect(job.progress.done).toBe(job.progress.total);
    firstArchiveId = archiveId;
    const summary = await getArchiveSummary(archiveId);
    expect(summary).toMatchObject({ state: "complete", name: "it archive", createdBy: "tester" });
    expect(summary.imageBytes).toBeGreaterThan(10_000_000);
    const manifest = await readManifest(archiveId);
    if (!manifest) throw new Error("no manifest");
    const find = (entryPath: string, source = "layer") => {
      const found = manifest.entries.find((entry) => entry.path === entryPath && entry.source === source);
      if (!found) throw new Error(`${entryPath} (${source}) is not in the manifest`);
      return found;
    };

    const odd = find(ODD);
    expect(odd).toMatchObject({ type: "file", size: Buffer.byteLength("spaces and accents") });
    expect((await readBlob(odd.sha256!)).toString()).toBe("spaces and accents");
    expect(find("/srv/app/link")).toMatchObject({ type: "symlink", linkTarget: "data.txt", sha256: null });
    expect(find("/srv/app/data-hardlink.txt")).toMatchObject({ type: "file", size: 16, sha256: sha256("customer records") });
    expect(find("/srv/app/empty")).toMatchObject({ type: "dir", sha256: null });
    expect(find("/srv/app/private.txt")).toMatchObject({ mode: 0o600, uid: 1600, gid: 1600, user: "carol", group: "carol" });

    const big = find("/srv/app/big.bin");
    expect(big.size).toBe(20_971_520);
    const inContainer = exec(name, ["sha256sum", "/srv/app/big.bin"]).split(" ")[0];
    expect(big.sha256).toBe(inContainer);
    expect(sha256(await readBlob(big.sha256!))).toBe(inContainer);

    expect((await readBlob(find("/var/lib/appdata/v.txt", "volume").sha256!)).toString()).toBe("in the volume");
    expect((await readBlob(find("/mnt/bind/b.txt", "bind").sha256!)).toString()).toBe("in the bind mount");
    expect(find("/etc/passwd")).toMatchObject({ category: "account" });
    expect(manifest.entries.some((entry) => entry.path.startsWith("/proc") || entry.path === "/etc/hosts")).toBe(false);

    expect(manifest.os).toMatchObject({ id: "debian", versionId: "12" });
    expect(manifest.packageManager).toBe("dpkg");
    expect(manifest.packages.find((pkg) => pkg.name === "bash")).toBeTruthy();
    expect(manifest.image.reference).toBe(BOOKWORM);
    expect(manifest.totals.files).toBe(summary.files);
    expect(summary.storedBytes).toBeGreaterThan(20_000_000);
  });

  it("reads the same entries, metadata and bytes through the engine's archive API as from the layer folder", async () => {
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: name, actor: "tester", layerAccess: "archive-api" });
    const job = await waitForJob(jobId, 300_000);
    expect(job).toMatchObject({ state: "succeeded", result: { layerRead: "archive-api" } });
    expect(job.progress.items!.total).toBeGreaterThan(5);
    expect(job.progress.items!.done).toBe(job.progress.items!.total);
    const viaApi = await readManifest(archiveId);
    const viaFolder = await readManifest(firstArchiveId);
    const comparable = (manifest: typeof viaApi) => (manifest?.entries ?? []).map((entry) => JSON.stringify(entry)).sort();
    expect(comparable(viaApi).length).toBeGreaterThan(10);
    expect(comparable(viaApi)).toEqual(comparable(viaFolder));
    // The hard link's second name carries the content also when the tar holds it as a link.
    expect(viaApi?.entries.find((entry) => entry.path === "/srv/app/data-hardlink.txt")).toMatchObject({
      type: "file",
      sha256: sha256("customer records"),
    });
  });

  it("stores no new content when the unchanged container is archived again", async () => {
    const before = await store.totalStoredBytes();
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: name, actor: "tester" });
    expect((await waitForJob(jobId, 300_000)).state).toBe("succeeded");
    // The second manifest differs (its id and time), everything else is shared.
    const summary = await getArchiveSummary(archiveId);
    expect(await store.totalStoredBytes()).toBe(before + summary.storedBytes);
    expect(summary.storedBytes).toBeLessThan(20_000);
  });

  it("refuses a second archive of the same container while one runs, and a cancel leaves nothing complete", async () => {
    exec(name, ["bash", "-c", "head -c 60000000 /dev/urandom > /srv/app/big2.bin"]);
    const { jobId, archiveId } = await startArchive({ engineId: "local", containerRef: name, actor: "tester" });
    await expect(startArchive({ engineId: "local", containerRef: name, actor: "tester" })).rejects.toMatchObject({
      status: 409,
      code: "archive_in_progress",
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cancelJob(jobId);
    expect((await waitForJob(jobId)).state).toBe("cancelled");
    const summary = await getArchiveSummary(archiveId);
    expect(summary.state).toBe("cancelled");
    expect(await readManifest(archiveId)).toBeNull();
  });

  it("verify passes on a good archive and names the blob whose byte was flipped", async () => {
    const good = await waitForJob((await startVerify(firstArchiveId, "tester")).jobId);
    expect(good).toMatchObject({ state: "succeeded", result: { corrupt: [] } });
    expect((good.result as { blobsChecked: number }).blobsChecked).toBeGreaterThan(10);
    expect(await getArchiveSummary(firstArchiveId)).toMatchObject({ verifyState: "ok" });

    const manifest = await readManifest(firstArchiveId);
    const data = manifest?.entries.find((entry) => entry.path === "/srv/app/data.txt");
    const blobFile = path.join(store.root, "blobs", data!.sha256!.slice(0, 2), `${data!.sha256}.gz`);
    const original = readFileSync(blobFile);
    const bytes = Buffer.from(original);
    bytes[bytes.length - 9] = bytes[bytes.length - 9]! ^ 0xff;
    writeFileSync(blobFile, bytes);
    onTestFinished(() => writeFileSync(blobFile, original)); // the store is shared with later test files (if the repair fails)
    const bad = await waitForJob((await startVerify(firstArchiveId, "tester")).jobId);
    expect(bad.state).toBe("succeeded");
    const corrupt = (bad.result as { corrupt: { sha256: string; paths: string[] }[] }).corrupt;
    expect(corrupt).toEqual([
      expect.objectContaining({ sha256: data!.sha256, paths: expect.arrayContaining(["/srv/app/data.txt"]), quarantined: true }),
    ]);
    expect(await getArchiveSummary(firstArchiveId)).toMatchObject({ verifyState: "corrupt" });

    // The damaged blob was moved aside, so archiving the same content again stores it afresh (rather than
    // deduplicating against the damaged file), which repairs the first archive too.
    expect(await store.has(data!.sha256!)).toBe(false);
    const again = await startArchive({ engineId: "local", containerRef: name, actor: "tester" });
    expect((await waitForJob(again.jobId, 300_000)).state).toBe("succeeded");
    expect((await readBlob(data!.sha256!)).toString()).toBe("customer records");
    const repaired = await waitForJob((await startVerify(firstArchiveId, "tester")).jobId);
    expect(repaired).toMatchObject({ state: "succeeded", result: { corrupt: [] } });
    expect(await getArchiveSummary(firstArchiveId)).toMatchObject({ verifyState: "ok" });
  });

  it("after a restart, an archive left half-made is failed and temporary files are removed", async () => {
    const orphanRow = (name: string, createdAt: Date) =>
      db.archive.create({
        data: {
          name,
          engineId: "local",
          engineName: "local",
          containerId: "x",
          containerName: "x",
          image: "x",
          createdBy: "tester",
          createdAt,
        },
      });
    // Made ten minutes ago, and no job runs it.
    const orphan = await orphanRow("orphan", new Date(Date.now() - 10 * 60_000));
    // Made a moment ago: on a shared database (several dashboards, issue 16) another dashboard may be starting its job.
    const fresh = await orphanRow("just made", new Date());
    const recovered = await recoverAfterRestart();
    expect(recovered.archives).toBeGreaterThanOrEqual(1);
    expect((await getArchiveSummary(orphan.id)).state).toBe("failed");
    expect((await getArchiveSummary(fresh.id)).state).toBe(databaseIsShared() ? "creating" : "failed");
    await db.archive.update({ where: { id: fresh.id }, data: { state: "failed" } });
  });
});
