import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { inspectContainerWithLayer } from "@/lib/docker/inspect-container";
import { findLayerDirectory } from "@/lib/docker/read-layer-directly";
import { layerHostPath, readLayerFiles } from "@/lib/docker/read-layer-files";
import type { ArchiveHeader } from "@/lib/docker/walk-archive";
import { addEngine, deleteEngine, getEngine } from "@/lib/engines/engine-registry";
import { store } from "@/lib/store/store";
import { readManifest } from "./archive-registry";
import { waitForJob } from "../jobs/job-runner";
import { startArchive } from "./archive-container";

// Archiving a container that swaps its files, after Kura listed them, for a FIFO (a plain open waits
// forever), a device node (a plain read reads the host's device as root), a symlink to a host file,
// or a folder swapped for a symlink to the host: Kura must return promptly and read nothing of the host.

const name = uniqueName("kura-it-archive-swap");
const hostDir = mkdtempSync(path.join(tmpdir(), "kura-it-archive-host-"));
const MARKER = `kura-host-marker-${Date.now()}-${Math.random()}`;
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
let layerDir = "";

beforeAll(async () => {
  writeFileSync(path.join(hostDir, "d.txt"), MARKER);
  writeFileSync(path.join(hostDir, "marker"), MARKER);
  runContainer({ name, image: BOOKWORM });
  exec(name, [
    "sh",
    "-c",
    "mkdir -p /srv/app /srv/other && for f in a b c e; do echo $f > /srv/app/$f.txt; done && echo d > /srv/other/d.txt",
  ]);
  const engine = await getEngine("local");
  layerDir = findLayerDirectory(engine, await inspectContainerWithLayer(engine, name)) ?? "";
  expect(layerDir).not.toBe("");
  // The swaps, made in the layer folder as the container would (it could, with CAP_MKNOD for the device node).
  const at = (file: string) => path.join(layerDir, file);
  rmSync(at("srv/app/a.txt"));
  execFileSync("mkfifo", [at("srv/app/a.txt")]);
  rmSync(at("srv/app/b.txt"));
  execFileSync("mknod", [at("srv/app/b.txt"), "c", "1", "5"]); // the host's /dev/zero: a read never ends
  rmSync(at("srv/app/c.txt"));
  symlinkSync(path.join(hostDir, "marker"), at("srv/app/c.txt"));
  rmSync(at("srv/other"), { recursive: true });
  symlinkSync(hostDir, at("srv/other"));
});

afterAll(() => {
  removeContainer(name);
  rmSync(hostDir, { recursive: true, force: true });
});

describe("the store's workers (small files read in the blob writer)", () => {
  it("skip a FIFO, a device node, a link to a host file and a path through a folder swapped for a link, promptly", async () => {
    const put = (file: string) => store.putFile(layerHostPath(layerDir, file)!, { confineTo: layerDir, maxBytes: 4 * 1024 * 1024 });
    const started = performance.now();
    expect(await put("/srv/app/a.txt")).toEqual({ skip: "not-a-file" });
    expect(await put("/srv/app/b.txt")).toEqual({ skip: "not-a-file" });
    expect(await put("/srv/app/c.txt")).toEqual({ skip: "not-a-file" });
    expect(await put("/srv/other/d.txt")).toEqual({ skip: "outside" });
    expect(await put("/srv/app/e.txt")).toMatchObject({ sha256: sha256("e\n"), size: 2 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await store.has(sha256(MARKER))).toBe(false);
  }, 15_000);
});

describe("readLayerFiles (the other files of the layer folder)", () => {
  it("describes what each path is now without opening it, and leaves what leads outside to the archive API", async () => {
    const seen: { header: ArchiveHeader; content: string | null }[] = [];
    const started = performance.now();
    const paths = ["/srv/app/a.txt", "/srv/app/b.txt", "/srv/app/c.txt", "/srv/other/d.txt", "/srv/app/e.txt"];
    const missing = await readLayerFiles(
      layerDir,
      paths,
      { users: new Map(), groups: new Map(), wholeBytes: 1024 },
      async (header, content) => {
        seen.push({ header, content: Buffer.isBuffer(content) ? content.toString() : content === null ? null : "stream" });
      },
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(missing).toEqual(["/srv/other/d.txt"]);
    expect(seen.map(({ header, content }) => [header.path, header.type, content])).toEqual([
      ["/srv/app/a.txt", "other", null],
      ["/srv/app/b.txt", "other", null],
      ["/srv/app/c.txt", "symlink", null],
      ["/srv/app/e.txt", "file", "e\n"],
    ]);
    expect(JSON.stringify(seen)).not.toContain(MARKER);
  }, 15_000);
});

describe("an archive job", () => {
  const plain = uniqueName("kura-it-archive-links");
  beforeAll(() => {
    runContainer({ name: plain, image: BOOKWORM });
    // Made by the container itself: a FIFO, and links that name this host's marker (inside the container they lead
    // nowhere; followed on the host they would read it).
    const setup = `mkdir -p /srv/app && echo e > /srv/app/e.txt && mkfifo /srv/app/a.txt && ln -s ${hostDir}/marker /srv/app/c.txt && ln -s ${hostDir} /srv/other`;
    exec(plain, ["sh", "-c", setup]);
  });
  afterAll(() => removeContainer(plain));

  it("asks the engine about the container once, archives what the container holds, and nothing of the host", async () => {
    // A transparent proxy in front of the engine's socket counts the container inspections (GET /containers/{id}/json).
    const socketPath = path.join(hostDir, "engine.sock");
    let inspections = 0;
    const proxy = net.createServer((client) => {
      // The engine the tests use (DOCKER_HOST: the harness's private engine in CI, not always /var/run/docker.sock).
      const upstream = net.connect(dockerHost().replace(/^unix:\/\//, ""));
      client.on("data", (chunk: Buffer) => {
        inspections += chunk.toString("latin1").match(/^GET \S*\/containers\/[^/\s]+\/json[\s?]/gm)?.length ?? 0;
      });
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(socketPath, resolve));
    const engine = await addEngine({ name: uniqueName("kura-it-counted"), endpoint: `unix://${socketPath}` }, "tester");
    try {
      inspections = 0;
      const { jobId, archiveId } = await startArchive({ engineId: engine.id, containerRef: plain, actor: "tester" });
      const job = await waitForJob(jobId, 120_000);
      expect(job.error).toBeNull();
      expect(job.result).toMatchObject({ layerRead: "folder", warnings: [] });
      expect(inspections).toBe(1);
      const manifest = await readManifest(archiveId);
      const entry = (file: string) => manifest?.entries.find((candidate) => candidate.path === file);
      expect(entry("/srv/app/e.txt")).toMatchObject({ type: "file", sha256: sha256("e\n") });
      expect(entry("/srv/app/c.txt")).toMatchObject({ type: "symlink", linkTarget: `${hostDir}/marker`, sha256: null });
      expect(entry("/srv/other")).toMatchObject({ type: "symlink", sha256: null });
      expect(manifest?.entries.some((candidate) => candidate.path.startsWith("/srv/other/"))).toBe(false);
      expect(await store.has(sha256(MARKER))).toBe(false);
    } finally {
      await deleteEngine(engine.id, "tester");
      proxy.close();
    }
  }, 180_000);
});
