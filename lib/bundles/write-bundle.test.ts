import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { createBlobStore, type BlobStore } from "../store/blob-store";
import { finishManifest, type Manifest, type ManifestEntry } from "../archives/manifest";
import { readBundle } from "./read-bundle";
import { writeBundle, type BundleContent } from "./write-bundle";
import { listFiles, readAll } from "../../e2e/support/test-files";

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const MTIME = "2024-04-01T12:00:00.000Z";
const CREATED = "2024-05-01T10:00:00.000Z";

function entry(entryPath: string, fields: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    path: entryPath,
    type: "file",
    mode: 0o644,
    uid: 0,
    gid: 0,
    user: "root",
    group: "root",
    size: 0,
    mtime: MTIME,
    linkTarget: null,
    sha256: null,
    source: "layer",
    category: "config",
    ...fields,
  };
}

function fileEntry(entryPath: string, content: Buffer | string, fields: Partial<ManifestEntry> = {}): ManifestEntry {
  return entry(entryPath, { size: Buffer.byteLength(content), sha256: sha(content), ...fields });
}

function makeManifest(entries: ManifestEntry[]): Manifest {
  return finishManifest({
    archive: { id: "archive-1", name: "web before retirement", note: "", createdAt: CREATED, createdBy: "admin" },
    engine: { name: "local", version: "27.3.1" },
    container: { id: "c".repeat(64), name: "web", createdAt: "2024-01-01T00:00:00.000Z", startedAt: null },
    image: { reference: "nginx:1.25", id: `sha256:${"a".repeat(64)}`, digest: null, size: 190_000_000 },
    config: {
      cmd: ["nginx", "-g", "daemon off;"],
      entrypoint: null,
      env: [],
      workingDir: "/",
      user: "",
      exposedPorts: ["80/tcp"],
      labels: {},
      volumes: [],
      mounts: [],
    },
    os: null,
    packageManager: null,
    packages: [],
    ruleSet: { id: "rules-1", name: "Default", rules: [] },
    entries,
    deleted: [],
  });
}

type Listed = {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: Date;
  content: Buffer;
};

async function listTar(tarBytes: Buffer): Promise<Listed[]> {
  const extract = tar.extract();
  Readable.from([tarBytes]).pipe(extract);
  const listed: Listed[] = [];
  for await (const item of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of item) parts.push(chunk as Buffer);
    const { name, type, mode, uid, gid, uname, gname, mtime } = item.header;
    listed.push({ name, type, mode, uid, gid, uname, gname, mtime, content: Buffer.concat(parts) });
  }
  return listed;
}

let dir: string;
let storeA: BlobStore;
let storeB: BlobStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kura-bundle-"));
  storeA = createBlobStore(path.join(dir, "a"));
  storeB = createBlobStore(path.join(dir, "b"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LONG_PATH = `/srv/${"a-rather-long-folder-name/".repeat(7)}settings with spaces.conf`;
const LONG_CONTENT = "long = true\n";
const contents = {
  "/etc/nginx/nginx.conf": "worker_processes 1;\n",
  "/srv/data/résumé final.txt": "Curriculum vitæ — ünïcødé 日本語\n",
  [LONG_PATH]: LONG_CONTENT,
  "/usr/local/bin/start.sh": "#!/bin/sh\nexec nginx\n",
  "/srv/data/copy.txt": "worker_processes 1;\n", // same bytes as nginx.conf: one blob
  "/srv/data/empty.txt": "",
  "/etc/passwd": "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/usr/sbin/nologin\n",
};

/** A manifest over `contents`, with those contents put into `store`. */
async function archiveFixture(store: BlobStore) {
  for (const content of Object.values(contents)) await store.put(Readable.from([Buffer.from(content)]));
  const entries = [
    entry("/etc", { type: "dir", mode: 0o755 }),
    entry("/etc/nginx", { type: "dir", mode: 0o755, mtime: "2023-12-24T08:30:00.000Z" }),
    fileEntry("/etc/nginx/nginx.conf", contents["/etc/nginx/nginx.conf"]),
    fileEntry("/srv/data/résumé final.txt", contents["/srv/data/résumé final.txt"], { mtime: null }),
    fileEntry(LONG_PATH, LONG_CONTENT, { uid: 1000, gid: 1000, user: "app", group: "app" }),
    fileEntry("/usr/local/bin/start.sh", contents["/usr/local/bin/start.sh"], { mode: 0o4755 }),
    fileEntry("/srv/data/copy.txt", contents["/srv/data/copy.txt"], { source: "volume" }),
    fileEntry("/srv/data/empty.txt", ""),
    entry("/var/lib/empty", { type: "dir", mode: 0o700 }),
    entry("/etc/localtime", { type: "symlink", linkTarget: "/usr/share/zoneinfo/Europe/Paris" }),
    fileEntry("/etc/passwd", contents["/etc/passwd"]),
  ];
  const manifest = makeManifest(entries);
  const manifestJson = Buffer.from(JSON.stringify(manifest, null, 1));
  const content: BundleContent = {
    manifestJson,
    manifest,
    dockerfile: "FROM debian:12\nCOPY . /kura-bundle\nRUN /kura-bundle/kura/restore.sh\n",
    readme: "# web\nRebuild with: docker build - < bundle.tar.gz\n",
    contextFiles: [
      { path: "kura/restore.sh", content: "#!/bin/sh\nset -eu\n", mode: 0o755 },
      { path: "kura/lib/owners.txt", content: new TextEncoder().encode("0 0 /etc\n"), mode: 0o600 },
    ],
    // Everything but the account file (shipped under accounts/); the symlink must be left out by the writer.
    payloadEntries: manifest.entries.filter((item) => item.path !== "/etc/passwd"),
    accountFiles: ["/etc/passwd"],
  };
  return { manifest, manifestJson, content };
}

describe("writeBundle", () => {
  it("round-trips through readBundle into a fresh store", async () => {
    const { manifest, manifestJson, content } = await archiveFixture(storeA);
    let counted = 0;
    const bundle = await readAll(writeBundle(content, storeA, { onBytes: (n) => (counted += n) }));
    expect(bundle.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const accountAndPayloadBytes = manifest.entries.filter((item) => item.type === "file").reduce((sum, item) => sum + item.size, 0);
    expect(counted).toBe(accountAndPayloadBytes);

    const imported = await readBundle(Readable.from([bundle]), storeB);
    expect(imported.manifest).toEqual(manifest);
    expect(imported.manifestJson.equals(manifestJson)).toBe(true);
    expect(imported.manifestSha).toBe(sha(manifestJson));
    const distinct = new Set(Object.values(contents));
    expect(imported.blobs).toBe(distinct.size);
    expect(imported.newBlobs).toBe(distinct.size);
    expect(imported.bytes).toBe([...distinct].reduce((sum, text) => sum + Buffer.byteLength(text), 0));
    expect(imported.storedBytes).toBe(await storeB.totalStoredBytes());
    for (const item of manifest.entries) {
      if (!item.sha256) continue;
      expect((await readAll(storeB.open(item.sha256))).equals(await readAll(storeA.open(item.sha256)))).toBe(true);
    }
    expect((await readAll(storeB.open(imported.manifestSha))).equals(manifestJson)).toBe(true);
    expect(await listFiles(path.join(storeB.root, "tmp"))).toEqual([]);

    // Importing it again adds nothing.
    const again = await readBundle(Readable.from([bundle]), storeB);
    expect(again).toMatchObject({ newBlobs: 0, storedBytes: 0, manifestSha: imported.manifestSha });
  });

  it("lays the tar out for docker build: root-owned files and folders only, parents first", async () => {
    const { manifestJson, content } = await archiveFixture(storeA);
    const listed = await listTar(gunzipSync(await readAll(writeBundle(content, storeA))));
    const names = listed.map((item) => item.name);
    expect([...names].sort()).toEqual(
      [
        "Dockerfile",
        "README.md",
        "kura/",
        "kura/manifest.json",
        "kura/lib/",
        "kura/lib/owners.txt",
        "kura/restore.sh",
        "accounts/",
        "accounts/passwd",
        "payload/",
        "payload/etc/",
        "payload/etc/nginx/",
        "payload/etc/nginx/nginx.conf",
        "payload/srv/",
        `payload${LONG_PATH}`,
        "payload/srv/a-rather-long-folder-name/",
        ...[2, 3, 4, 5, 6, 7].map((depth) => `payload/srv/${"a-rather-long-folder-name/".repeat(depth)}`),
        "payload/srv/data/",
        "payload/srv/data/copy.txt",
        "payload/srv/data/empty.txt",
        "payload/srv/data/résumé final.txt",
        "payload/usr/",
        "payload/usr/local/",
        "payload/usr/local/bin/",
        "payload/usr/local/bin/start.sh",
        "payload/var/",
        "payload/var/lib/",
        "payload/var/lib/empty/",
      ].sort(),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const item of listed) {
      const parent = path.posix.dirname(item.name.replace(/\/$/, ""));
      if (parent !== ".") expect(names.indexOf(`${parent}/`), `${item.name} after its folder`).toBeLessThan(names.indexOf(item.name));
      expect(["file", "directory"]).toContain(item.type);
      expect(item).toMatchObject({ uid: 0, gid: 0, uname: "root", gname: "root" });
      expect(item.mode & 0o7000).toBe(0);
      expect(item.mode).toBe(item.type === "directory" || item.name.endsWith(".sh") ? 0o755 : 0o644);
    }
    expect(names).not.toContain("payload/etc/localtime");
    expect(names.some((name) => name.startsWith("/") || name.includes(".."))).toBe(false);

    const byName = new Map(listed.map((item) => [item.name, item]));
    expect(byName.get("kura/manifest.json")?.content.equals(manifestJson)).toBe(true);
    expect(byName.get("payload/srv/data/résumé final.txt")?.content.toString()).toBe(contents["/srv/data/résumé final.txt"]);
    expect(byName.get(`payload${LONG_PATH}`)?.content.toString()).toBe(LONG_CONTENT);
    expect(byName.get("accounts/passwd")?.content.toString()).toBe(contents["/etc/passwd"]);
    expect(byName.get("payload/etc/nginx/")?.mtime.toISOString()).toBe("2023-12-24T08:30:00.000Z");
    expect(byName.get("payload/etc/nginx/nginx.conf")?.mtime.toISOString()).toBe(MTIME);
    // No mtime in the manifest: the archive's creation time, not the export's.
    expect(byName.get("payload/srv/data/résumé final.txt")?.mtime.toISOString()).toBe(CREATED);
  });

  it("writes a plain tar with gzip: false, which imports too", async () => {
    const { manifest, content } = await archiveFixture(storeA);
    const bundle = await readAll(writeBundle(content, storeA, { gzip: false }));
    expect(bundle.subarray(257, 262).toString()).toBe("ustar");
    const imported = await readBundle(Readable.from([bundle]), storeB);
    expect(imported.manifest).toEqual(manifest);
  });

  it("lets a generated Dockerfile win over the dockerfile field", async () => {
    const { content } = await archiveFixture(storeA);
    const bundle = await readAll(
      writeBundle(
        { ...content, contextFiles: [...content.contextFiles, { path: "Dockerfile", content: "FROM alpine:3.20\n", mode: 0o644 }] },
        storeA,
        { gzip: false },
      ),
    );
    const listed = await listTar(bundle);
    expect(listed.filter((item) => item.name === "Dockerfile").map((item) => item.content.toString())).toEqual(["FROM alpine:3.20\n"]);
  });

  it("fails the stream, naming the file, when a blob is missing from the store", async () => {
    const { content } = await archiveFixture(storeA);
    const lost = fileEntry("/srv/data/lost.bin", "never stored");
    const manifest = makeManifest([...content.manifest.entries, lost]);
    const stream = writeBundle({ ...content, manifest, payloadEntries: [...content.payloadEntries, lost] }, storeA);
    const error = await readAll(stream).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/\/srv\/data\/lost\.bin .*missing from the store/);
  });

  it("fails the stream when a stored blob does not hold what the manifest says", async () => {
    const { content } = await archiveFixture(storeA);
    const wrongSize = fileEntry("/etc/nginx/nginx.conf", contents["/etc/nginx/nginx.conf"], { size: 3 });
    const payloadEntries = content.payloadEntries.map((item) => (item.path === wrongSize.path ? wrongSize : item));
    const error = await readAll(writeBundle({ ...content, payloadEntries }, storeA)).catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/\/etc\/nginx\/nginx\.conf .*damaged/);
  });

  it("refuses content that would not make a valid bundle before writing a byte", async () => {
    const { content } = await archiveFixture(storeA);
    expect(() => writeBundle({ ...content, contextFiles: [{ path: "payload/etc/x", content: "", mode: 0o644 }] }, storeA)).toThrow(
      /cannot go in a bundle/,
    );
    expect(() => writeBundle({ ...content, contextFiles: [{ path: "kura/../x", content: "", mode: 0o644 }] }, storeA)).toThrow(
      /not a clean relative path/,
    );
    expect(() => writeBundle({ ...content, accountFiles: ["/etc/sudoers"] }, storeA)).toThrow(/not an account file/);
    const clash = fileEntry("/etc/nginx/nginx.conf", "other content", { source: "volume" });
    expect(() => writeBundle({ ...content, payloadEntries: [...content.payloadEntries, clash] }, storeA)).toThrow(
      /twice with different content/,
    );
  });

  it("stops cleanly when the reader goes away", async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 3);
    await storeA.put(Readable.from([big]));
    const { content } = await archiveFixture(storeA);
    const bigEntry = fileEntry("/srv/big.bin", big);
    const manifest = makeManifest([...content.manifest.entries, bigEntry]);
    let seen = 0;
    const stream = writeBundle({ ...content, manifest, payloadEntries: [...content.payloadEntries, bigEntry] }, storeA, {
      gzip: false,
      onBytes: (n) => (seen += n),
    });
    for await (const chunk of stream) {
      void chunk;
      break; // destroys the stream, as a closed HTTP response would
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Backpressure: the pack stopped pulling from the store soon after the reader left.
    expect(seen).toBeLessThan(big.length);
  });

  it("stops reading the store when the signal aborts", async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    await storeA.put(Readable.from([big]));
    const { content } = await archiveFixture(storeA);
    const bigEntry = fileEntry("/srv/big.bin", big);
    const manifest = makeManifest([...content.manifest.entries, bigEntry]);
    const controller = new AbortController();
    let seen = 0;
    const stream = writeBundle({ ...content, manifest, payloadEntries: [...content.payloadEntries, bigEntry] }, storeA, {
      signal: controller.signal,
      onBytes: (n) => {
        seen += n;
        if (seen > 1024 * 1024) controller.abort();
      },
    });
    await expect(readAll(stream)).rejects.toThrow();
    expect(seen).toBeLessThan(big.length);
  });
});

describe("configuration merges and pristine versions (issue 14)", () => {
  const edited = "worker_processes 4;\n";
  const pristine = "worker_processes auto;\n";

  async function withPristine(store: BlobStore) {
    for (const text of [edited, pristine]) await store.put(Readable.from([Buffer.from(text)]));
    const conf = fileEntry("/etc/nginx/nginx.conf", edited, {
      mode: 0o640,
      package: "nginx-common",
      conffile: "dpkg",
      pristineSha256: sha(pristine),
      pristineSize: Buffer.byteLength(pristine),
    });
    const manifest = makeManifest([entry("/etc", { type: "dir" }), entry("/etc/nginx", { type: "dir" }), conf]);
    const content: BundleContent = {
      manifestJson: Buffer.from(JSON.stringify(manifest, null, 1)),
      manifest,
      dockerfile: "FROM debian:12\n",
      readme: "",
      contextFiles: [],
      payloadEntries: manifest.entries,
      accountFiles: [],
    };
    return { manifest, content };
  }

  it("carries each pristine version as blobs/<sha256>, and an import stores it", async () => {
    const { content } = await withPristine(storeA);
    const bundle = await readAll(writeBundle(content, storeA));
    const names = (await listTar(gunzipSync(bundle))).map((item) => item.name);
    expect(names).toContain(`blobs/${sha(pristine)}`);
    await readBundle(Readable.from([bundle]), storeB);
    expect((await readAll(storeB.open(sha(pristine)))).toString()).toBe(pristine);
  });

  it("refuses a bundle whose manifest names a pristine version it does not carry", async () => {
    const { content } = await withPristine(storeA);
    const bundle = await readAll(writeBundle(content, storeA, { allContent: false }));
    await expect(readBundle(Readable.from([bundle]), storeB)).rejects.toThrow(/pristine version of .*nginx\.conf.* missing/);
  });

  it("puts merged text under payload/ instead of the archived content, with the archived mode's x bits only", async () => {
    const { content } = await withPristine(storeA);
    const merged = "worker_processes 4;\nevents {}\n";
    const listed = await listTar(
      gunzipSync(await readAll(writeBundle({ ...content, payloadContent: [{ path: "/etc/nginx/nginx.conf", content: merged }] }, storeA))),
    );
    const file = listed.find((item) => item.name === "payload/etc/nginx/nginx.conf")!;
    expect(file.content.toString()).toBe(merged);
    expect(file.mode).toBe(0o644);
    // The archived content still travels (the import needs it).
    expect(listed.some((item) => item.name === `blobs/${sha(edited)}`)).toBe(true);
  });
});
