import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { startArchive } from "@/lib/archives/archive-container";
import { readManifest } from "@/lib/archives/archive-registry";
import type { Capture } from "@/lib/archives/manifest";
import { createCaptureRecipe, deleteCaptureRecipe } from "@/lib/captures/capture-recipe-store";
import { waitForJob } from "@/lib/jobs/job-runner";
import { createBlobStore } from "@/lib/store/blob-store";
import { exportBundle } from "./export-bundle";
import { readBundle } from "./read-bundle";

// Issue 15: a capture travels in the bundle at captures/<name>; an import elsewhere checks its SHA-256 like any content,
// and a bundle whose capture was altered is refused, writing nothing.

const source = uniqueName("kura-it-bundle-capture");
const work = mkdtempSync(path.join(tmpdir(), "kura-it-bundle-capture-"));
const bundleFile = path.join(work, "bundle.tar.gz");
const DUMP = "-- a dump made inside the container\nCREATE TABLE kept (id int);\n";
let capture: Capture;

describe("bundles carry captures", () => {
  beforeAll(async () => {
    runContainer({ name: source, image: BOOKWORM });
    const recipe = {
      id: "it-bundle-dump",
      service: "Bundled",
      packages: "^hostname$",
      argv: ["printf", "%s", DUMP],
      format: "sql" as const,
    };
    await createCaptureRecipe(recipe, "tester");
    try {
      const started = await startArchive({ engineId: "local", containerRef: source, name: "bundle capture", actor: "tester" });
      expect((await waitForJob(started.jobId, 300_000)).error).toBeNull();
      const manifest = (await readManifest(started.archiveId))!;
      capture = manifest.captures!.find((item) => item.recipe === "it-bundle-dump")!;
      expect(capture).toMatchObject({ name: "it-bundle-dump.sql", size: Buffer.byteLength(DUMP) });
      const { stream } = await exportBundle(started.archiveId, { actor: "tester" });
      await pipeline(stream, createWriteStream(bundleFile));
    } finally {
      await deleteCaptureRecipe(recipe.id, "tester");
    }
  }, 320_000);

  afterAll(() => {
    removeContainer(source);
    rmSync(work, { recursive: true, force: true });
  });

  it("exports captures/<name> and an import elsewhere stores it, checked", async () => {
    const listing = execFileSync("tar", ["-tzf", bundleFile], { encoding: "utf8" }).split("\n");
    expect(listing).toContain("captures/it-bundle-dump.sql");
    expect(execFileSync("tar", ["-xzOf", bundleFile, "captures/it-bundle-dump.sql"], { encoding: "utf8" })).toBe(DUMP);
    const fresh = createBlobStore(path.join(work, "fresh-store"));
    const imported = await readBundle(createReadStream(bundleFile), fresh);
    expect(imported.manifest.captures).toEqual([expect.objectContaining({ name: "it-bundle-dump.sql", sha256: capture.sha256 })]);
    expect((await fresh.verify(capture.sha256!)).ok).toBe(true);
  });

  it("refuses a bundle whose capture was altered (hash mismatch), and one that drops it", async () => {
    const unpacked = path.join(work, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", bundleFile, "-C", unpacked]);
    const dumpFile = path.join(unpacked, "captures", "it-bundle-dump.sql");
    writeFileSync(dumpFile, readFileSync(dumpFile, "utf8").replace("kept", "evil"));
    const tampered = path.join(work, "tampered.tar.gz");
    execFileSync("tar", ["-czf", tampered, "-C", unpacked, "."]);
    const store = createBlobStore(path.join(work, "tampered-store"));
    await expect(readBundle(createReadStream(tampered), store)).rejects.toMatchObject({
      status: 422,
      code: "hash_mismatch",
      message: expect.stringMatching(/captures\/it-bundle-dump\.sql.*does not match the manifest/),
    });
    expect(await store.has(capture.sha256!)).toBe(false);
    rmSync(dumpFile);
    const dropped = path.join(work, "dropped.tar.gz");
    execFileSync("tar", ["-czf", dropped, "-C", unpacked, "."]);
    await expect(readBundle(createReadStream(dropped), store)).rejects.toMatchObject({ code: "content_missing" });
  });
});
