import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, docker, dockerHost, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { createBlobStore } from "@/lib/store/blob-store";
import { readBundle } from "@/lib/bundles/read-bundle";
import { readManifest } from "@/lib/archives/archive-registry";
import { db } from "@/lib/db";
import { startArchive } from "@/lib/archives/archive-container";
import { waitForJob } from "@/lib/jobs/job-runner";
import { deleteArchive } from "../archives/delete-archive";
import { exportBundle } from "./export-bundle";

// Export a bundle, rebuild it with plain `docker build` (no Kura), run it and look at the files;
// import the same bundle into a fresh store, where every blob verifies.

const source = uniqueName("kura-it-bundle-src");
const rebuilt = uniqueName("kura-it-bundle-run");
const tag = `kura-test/${uniqueName("bundle")}:latest`;
const work = mkdtempSync(path.join(tmpdir(), "kura-it-bundle-"));
const bundleFile = path.join(work, "bundle.tar.gz");
const ODD = "/srv/app/résumé final.txt";
let archiveId = "";

const SETUP = [
  "set -e",
  "useradd -u 1600 -m -s /bin/bash carol",
  "mkdir -p /srv/app/empty",
  `printf 'spaces and accents' > '${ODD}'`,
  "printf 'customer records kept by the bundle test' > /srv/app/data.txt",
  "ln -s data.txt /srv/app/link",
  "printf 'secret of carol' > /srv/app/private.txt && chown carol:carol /srv/app/private.txt && chmod 600 /srv/app/private.txt",
  "printf 'carol notes' > /home/carol/notes.txt && chown carol:carol /home/carol/notes.txt",
  "printf '#!/bin/sh\\necho tool\\n' > /usr/local/bin/tool && chmod 750 /usr/local/bin/tool",
].join("\n");

const inRebuilt = (argv: string[]) => exec(rebuilt, argv);

describe("bundle export and import", () => {
  beforeAll(async () => {
    runContainer({ name: source, image: BOOKWORM, env: ["DB_PASSWORD=s3cret-value", "APP_MODE=prod"] });
    exec(source, ["bash", "-c", SETUP]);
    const started = await startArchive({ engineId: "local", containerRef: source, name: "bundle it", actor: "tester" });
    archiveId = started.archiveId;
    const job = await waitForJob(started.jobId, 300_000);
    expect(job.error).toBeNull();
  }, 320_000);

  afterAll(async () => {
    removeContainer(rebuilt);
    try {
      docker(["rmi", "-f", tag]);
    } catch {}
    removeContainer(source);
    rmSync(work, { recursive: true, force: true });
  });

  it("exports a .tar.gz that plain docker build turns into the service, files back with owners and modes", async () => {
    const { stream, fileName } = await exportBundle(archiveId, { actor: "tester" });
    expect(fileName).toBe("kura-bundle-it.tar.gz");
    await pipeline(stream, createWriteStream(bundleFile));
    const listing = execFileSync("tar", ["-tzf", bundleFile], { encoding: "utf8" }).split("\n");
    expect(listing).toEqual(
      expect.arrayContaining([
        "Dockerfile",
        "README.md",
        "kura/manifest.json",
        "kura/restore.sh",
        "payload/srv/app/data.txt",
        "accounts/passwd",
      ]),
    );

    // No Kura from here on: the docker CLI builds from the bundle on stdin.
    const input = openSync(bundleFile, "r");
    try {
      execFileSync("docker", ["-H", dockerHost(), "build", "-q", "-t", tag, "-"], {
        stdio: [input, "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
      });
    } finally {
      closeSync(input);
    }
    docker(["run", "-d", "--network", "none", "--label", "kura.test=1", "--name", rebuilt, tag, "sleep", "infinity"]);

    expect(inRebuilt(["cat", ODD])).toBe("spaces and accents");
    expect(inRebuilt(["stat", "-c", "%U:%G %a", "/srv/app/private.txt"])).toBe("carol:carol 600");
    expect(inRebuilt(["cat", "/srv/app/private.txt"])).toBe("secret of carol");
    expect(inRebuilt(["stat", "-c", "%U:%G", "/home/carol/notes.txt"])).toBe("carol:carol");
    expect(inRebuilt(["stat", "-c", "%a", "/usr/local/bin/tool"])).toBe("750");
    expect(inRebuilt(["readlink", "/srv/app/link"])).toBe("data.txt");
    expect(inRebuilt(["stat", "-c", "%F", "/srv/app/empty"])).toBe("directory");
    expect(inRebuilt(["id", "-u", "carol"])).toBe("1600");
    expect(inRebuilt(["id", "-u", "root"])).toBe("0");
  }, 300_000);

  it("leaves secret env values out unless asked to keep them; the bundle asks for them as build arguments", async () => {
    const manifest = await readManifest(archiveId);
    expect(manifest?.config.env).toEqual(
      expect.arrayContaining([
        { name: "DB_PASSWORD", value: null, redacted: true },
        { name: "APP_MODE", value: "prod", redacted: false },
      ]),
    );
    const readme = execFileSync("tar", ["-xzOf", bundleFile, "README.md"], { encoding: "utf8" });
    expect(readme).toContain("--build-arg DB_PASSWORD=");
    expect(execFileSync("tar", ["-xzOf", bundleFile, "kura/manifest.json"], { encoding: "utf8" })).not.toContain("s3cret-value");

    const kept = await startArchive({
      engineId: "local",
      containerRef: source,
      name: "bundle it kept",
      keepSecrets: true,
      actor: "tester",
    });
    expect((await waitForJob(kept.jobId, 300_000)).error).toBeNull();
    expect((await readManifest(kept.archiveId))?.config.env).toContainEqual({
      name: "DB_PASSWORD",
      value: "s3cret-value",
      redacted: false,
    });
    await deleteArchive(kept.archiveId, "tester");
  }, 320_000);

  it("exports for a newer base on request: FROM that base, and the README says so", async () => {
    const newer = path.join(work, "trixie.tar.gz");
    const { stream } = await exportBundle(archiveId, { base: TRIXIE, actor: "tester" });
    await pipeline(stream, createWriteStream(newer));
    expect(execFileSync("tar", ["-xzOf", newer, "Dockerfile"], { encoding: "utf8" })).toMatch(/^FROM debian:trixie AS kura-packages$/m);
    expect(execFileSync("tar", ["-xzOf", newer, "README.md"], { encoding: "utf8" })).toContain("a newer base than the original");
  }, 120_000);

  it("imports into a fresh store, where every blob verifies", async () => {
    const fresh = createBlobStore(path.join(work, "fresh-store"));
    const imported = await readBundle(createReadStream(bundleFile), fresh);
    expect(imported.manifest.archive.id).toBe(archiveId);
    const shas = new Set([imported.manifestSha, ...imported.manifest.entries.flatMap((entry) => (entry.sha256 ? [entry.sha256] : []))]);
    for (const sha of shas) expect(await fresh.verify(sha), sha).toMatchObject({ ok: true });
  }, 120_000);

  it("deletes the archive, freeing what no other archive shares, and records it", async () => {
    const result = await deleteArchive(archiveId, "tester");
    expect(result.blobsRemoved).toBeGreaterThan(0);
    expect(await db.archive.findUnique({ where: { id: archiveId } })).toBeNull();
    const events = await db.auditEvent.findMany({ where: { target: `archive:${archiveId}` }, orderBy: { at: "asc" } });
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(["archive.create", "archive.export", "archive.delete"]));
  });
});
