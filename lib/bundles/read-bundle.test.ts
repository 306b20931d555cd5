import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createGzip, gzipSync } from "node:zlib";
import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { createBlobStore, type BlobStore } from "../store/blob-store";
import { finishManifest, type Manifest, type ManifestEntry } from "../archives/manifest";
import { readBundle, type BundleLimits } from "./read-bundle";
import { listFiles } from "../../e2e/support/test-files";

// Hostile and broken bundles, built by hand with tar-stream. Each must be refused with a sentence naming the problem,
// and must leave the store exactly as it was: no blob, no manifest, no temporary file.

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

type TarHeader = Parameters<tar.Pack["entry"]>[0];
type Item = { header: TarHeader; content?: Buffer | string };

function fileEntry(entryPath: string, content: Buffer | string): ManifestEntry {
  return {
    path: entryPath,
    type: "file",
    mode: 0o644,
    uid: 0,
    gid: 0,
    user: "root",
    group: "root",
    size: Buffer.byteLength(content),
    mtime: "2024-04-01T12:00:00.000Z",
    linkTarget: null,
    sha256: sha(content),
    source: "layer",
    category: "config",
  };
}

function makeManifest(entries: ManifestEntry[]): Manifest {
  return finishManifest({
    archive: { id: "archive-1", name: "db", note: "", createdAt: "2024-05-01T10:00:00.000Z", createdBy: "admin" },
    engine: { name: "local", version: null },
    container: { id: "d".repeat(64), name: "db", createdAt: "2024-01-01T00:00:00.000Z", startedAt: null },
    image: { reference: "postgres:16", id: `sha256:${"b".repeat(64)}`, digest: null, size: null },
    config: { cmd: null, entrypoint: null, env: [], workingDir: "/", user: "", exposedPorts: [], labels: {}, volumes: [], mounts: [] },
    os: null,
    packageManager: null,
    packages: [],
    ruleSet: { id: "rules-1", name: "Default", rules: [] },
    entries,
    deleted: [],
  });
}

const CONF = "listen_addresses = '*'\n";
const PASSWD = "root:x:0:0:root:/root:/bin/sh\n";
const baseManifest = makeManifest([fileEntry("/etc/postgresql/postgresql.conf", CONF), fileEntry("/etc/passwd", PASSWD)]);

const file = (name: string, content: Buffer | string): Item => ({ header: { name, type: "file" }, content });
const folder = (name: string): Item => ({ header: { name, type: "directory" } });

/** A valid bundle's entries: hostile cases add to or replace these, so each is refused for its one bad entry. */
function validItems(manifest: Manifest = baseManifest): Item[] {
  return [
    file("Dockerfile", "FROM debian:12\n"),
    file("README.md", "# db\n"),
    folder("kura/"),
    file("kura/manifest.json", JSON.stringify(manifest)),
    file("kura/restore.sh", "#!/bin/sh\n"),
    folder("accounts/"),
    file("accounts/passwd", PASSWD),
    folder("payload/"),
    folder("payload/etc/"),
    folder("payload/etc/postgresql/"),
    file("payload/etc/postgresql/postgresql.conf", CONF),
  ];
}

async function packTar(items: Item[], gzip = true): Promise<Buffer> {
  const pack = tar.pack();
  const done = (async () => {
    const parts: Buffer[] = [];
    const source = gzip ? Readable.from(pack as AsyncIterable<Buffer>).pipe(createGzip()) : Readable.from(pack as AsyncIterable<Buffer>);
    for await (const chunk of source) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  })();
  for (const item of items) {
    await new Promise<void>((resolve, reject) => {
      const callback = (err?: Error | null) => (err ? reject(err) : resolve());
      if (item.content === undefined) pack.entry(item.header, callback);
      else pack.entry(item.header, item.content, callback);
    });
  }
  pack.finalize();
  return done;
}

let dir: string;
let store: BlobStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kura-read-bundle-"));
  store = createBlobStore(path.join(dir, "store"));
  // Something already stored, so "unchanged" is not just "empty".
  await store.put(Readable.from([Buffer.from("kept from an earlier archive\n")]));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Imports `bundle`, expects an AppError with `status` and a message matching `message`, and an untouched store. */
async function expectRefused(bundle: Buffer | Readable, status: number, message: RegExp, limits?: Partial<BundleLimits>) {
  const before = await listFiles(store.root);
  const source = Buffer.isBuffer(bundle) ? Readable.from([bundle]) : bundle;
  const error = await readBundle(source, store, limits ? { limits } : {}).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error, "the bundle was accepted").toBeInstanceOf(AppError);
  expect((error as AppError).message).toMatch(/^Bundle rejected: /);
  expect((error as AppError).message).toMatch(message);
  expect((error as AppError).status).toBe(status);
  expect(await listFiles(store.root)).toEqual(before);
  expect(await listFiles(path.join(store.root, "tmp"))).toEqual([]);
  return error as AppError;
}

describe("readBundle accepts", () => {
  it("a valid hand-made bundle, gzip or plain, also with ./ names", async () => {
    const imported = await readBundle(Readable.from([await packTar(validItems())]), store);
    expect(imported.manifest).toEqual(baseManifest);
    expect(imported.manifestSha).toBe(sha(JSON.stringify(baseManifest)));
    expect(imported).toMatchObject({ blobs: 2, bytes: CONF.length + PASSWD.length, newBlobs: 2 });
    expect(await store.has(sha(CONF))).toBe(true);
    expect(await store.has(imported.manifestSha)).toBe(true);

    const dotted = validItems().map((item) => ({ ...item, header: { ...item.header, name: `./${item.header.name}` } }));
    const plain = await readBundle(Readable.from([await packTar([folder("./"), ...dotted], false)]), store);
    expect(plain).toMatchObject({ manifestSha: imported.manifestSha, newBlobs: 0, storedBytes: 0 });
  });

  it("reports progress while receiving, checking and storing", async () => {
    const phases = new Set<string>();
    let lastEntries = 0;
    await readBundle(Readable.from([await packTar(validItems())]), store, {
      onProgress: (progress) => {
        phases.add(progress.phase);
        lastEntries = progress.entries;
      },
    });
    expect([...phases]).toEqual(["receiving", "checking", "storing"]);
    expect(lastEntries).toBe(validItems().length);
  });
});

describe("readBundle refuses", () => {
  it("path traversal", async () => {
    const error = await expectRefused(
      await packTar([...validItems(), file("payload/../../etc/cron.d/x", "* * * * * root sh\n")]),
      422,
      /"payload\/\.\.\/\.\.\/etc\/cron\.d\/x" leaves the bundle \(path traversal\)/,
    );
    expect(error.code).toBe("unsafe_name");
    await expectRefused(await packTar([...validItems(), file("payload\\..\\..\\x", "x")]), 422, /leaves the bundle/);
  });

  it("an absolute name", async () => {
    await expectRefused(
      await packTar([...validItems(), file("/etc/passwd", "root::0:0::/:/bin/sh\n")]),
      422,
      /"\/etc\/passwd" is an absolute path/,
    );
  });

  it("a symlink, naming its absolute target", async () => {
    await expectRefused(
      await packTar([...validItems(), { header: { name: "payload/etc/shadow", type: "symlink", linkname: "/etc/shadow" } }]),
      422,
      /"payload\/etc\/shadow" is a symbolic link to "\/etc\/shadow" \(an absolute link\)/,
    );
  });

  it("a hard link", async () => {
    await expectRefused(
      await packTar([
        ...validItems(),
        { header: { name: "payload/etc/copy", type: "link", linkname: "payload/etc/postgresql/postgresql.conf" } },
      ]),
      422,
      /"payload\/etc\/copy" is a hard link/,
    );
  });

  it("a character device", async () => {
    await expectRefused(
      await packTar([...validItems(), { header: { name: "payload/dev/null", type: "character-device", devmajor: 1, devminor: 3 } }]),
      422,
      /"payload\/dev\/null" is a character device/,
    );
  });

  it("a block device", async () => {
    await expectRefused(
      await packTar([...validItems(), { header: { name: "payload/dev/sda", type: "block-device", devmajor: 8, devminor: 0 } }]),
      422,
      /is a block device/,
    );
  });

  it("a fifo", async () => {
    await expectRefused(
      await packTar([...validItems(), { header: { name: "payload/run/pipe", type: "fifo" } }]),
      422,
      /"payload\/run\/pipe" is a named pipe/,
    );
  });

  it("content whose hash does not match the manifest", async () => {
    const items = validItems().map((item) =>
      item.header.name === "payload/etc/postgresql/postgresql.conf" ? file(item.header.name, "listen_addresses = '0.0.0.0'\n") : item,
    );
    await expectRefused(
      await packTar(items),
      422,
      /"payload\/etc\/postgresql\/postgresql\.conf" does not match the manifest \(hash mismatch\)/,
    );
  });

  it("an account file whose hash does not match the manifest", async () => {
    const items = validItems().map((item) =>
      item.header.name === "accounts/passwd" ? file("accounts/passwd", "evil::0:0::/:/bin/sh\n") : item,
    );
    await expectRefused(await packTar(items), 422, /"accounts\/passwd" does not match the manifest \(hash mismatch\)/);
  });

  it("a manifest file whose content is missing", async () => {
    const items = validItems().filter((item) => item.header.name !== "payload/etc/postgresql/postgresql.conf");
    await expectRefused(
      await packTar(items),
      422,
      /"\/etc\/postgresql\/postgresql\.conf" is in the manifest but its content \(payload\/etc\/postgresql\/postgresql\.conf or blobs\/[0-9a-f]{64}\) is missing/,
    );
  });

  it("a blobs/ file that no manifest entry names, or that is not named by its hash", async () => {
    await expectRefused(
      await packTar([...validItems(), file(`blobs/${"a".repeat(64)}`, "stray\n")]),
      422,
      /is not in the manifest as an archived file/,
    );
    await expectRefused(
      await packTar([...validItems(), file("blobs/not-a-hash", "stray\n")]),
      422,
      /blobs\/ holds only files named by their SHA-256/,
    );
  });

  it("a payload file that is not in the manifest", async () => {
    await expectRefused(
      await packTar([...validItems(), file("payload/etc/cron.d/backdoor", "* * * * * root sh\n")]),
      422,
      /"payload\/etc\/cron\.d\/backdoor" is not in the manifest/,
    );
  });

  it("a bundle without a manifest", async () => {
    const items = validItems().filter((item) => item.header.name !== "kura/manifest.json");
    await expectRefused(await packTar(items), 422, /kura\/manifest\.json is missing/);
  });

  it("a manifest that does not parse", async () => {
    const items = validItems().map((item) => (item.header.name === "kura/manifest.json" ? file("kura/manifest.json", "{ not json") : item));
    await expectRefused(await packTar(items), 422, /kura\/manifest\.json is not valid JSON/);
    const wrongFormat = { ...baseManifest, format: "something-else" };
    const items2 = validItems().map((item) =>
      item.header.name === "kura/manifest.json" ? file("kura/manifest.json", JSON.stringify(wrongFormat)) : item,
    );
    await expectRefused(await packTar(items2), 422, /not a valid Kura manifest: format: /);
  });

  it("a manifest whose package name would be an option of apt (named in the refusal)", async () => {
    const packages = [
      { name: "samba", version: "2:4.17.12", architecture: "amd64", manual: true },
      { name: "-oDir::Bin::dpkg=/bin/sh", version: "1", architecture: "amd64", manual: true },
    ];
    const items = validItems({ ...baseManifest, packageManager: "dpkg", packages });
    const error = await expectRefused(
      await packTar(items),
      422,
      /not a valid Kura manifest: packages\.1\.name: The package "-oDir::Bin::dpkg=\/bin\/sh" is not a Debian package name/,
    );
    expect(error.code).toBe("invalid_manifest");
  });

  it("a manifest that names a path outside the container", async () => {
    const manifest = { ...baseManifest, deleted: ["/var/../../etc"] };
    const items = validItems(manifest);
    await expectRefused(await packTar(items), 422, /the manifest names "\/var\/\.\.\/\.\.\/etc", which leaves/);
  });

  it("an entry outside the bundle layout, and a duplicate", async () => {
    await expectRefused(await packTar([...validItems(), file("etc/crontab", "x")]), 422, /"etc\/crontab" is not part of a Kura bundle/);
    await expectRefused(
      await packTar([...validItems(), file("accounts/sudoers", "x")]),
      422,
      /"accounts\/sudoers" is not part of a Kura bundle/,
    );
    await expectRefused(await packTar([...validItems(), file("payload/etc/postgresql/postgresql.conf", CONF)]), 422, /appears twice/);
    await expectRefused(await packTar([...validItems(), file("payload/etc//x", "x")]), 422, /not a normalized path/);
  });

  it("garbage bytes", async () => {
    const garbage = Buffer.alloc(10_000);
    for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919) % 251;
    const error = await expectRefused(garbage, 422, /not a Kura bundle/);
    expect(error.code).toBe("not_a_bundle");
    await expectRefused(gzipSync(garbage), 422, /not a Kura bundle/);
    await expectRefused(Buffer.alloc(0), 422, /not a Kura bundle/);
  });

  it("a truncated gzip", async () => {
    const bundle = await packTar(validItems());
    await expectRefused(bundle.subarray(0, Math.floor(bundle.length / 2)), 422, /not a Kura bundle, or it was cut short/);
  });

  it("a decompression bomb, early", async () => {
    // 200 MB of zeros as one payload file: about 200 KB once compressed.
    const zerosSize = 200 * 1024 * 1024;
    const pack = tar.pack();
    const compressed = (async () => {
      const parts: Buffer[] = [];
      for await (const chunk of Readable.from(pack as AsyncIterable<Buffer>).pipe(createGzip({ level: 9 }))) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    })();
    await new Promise<void>((resolve) =>
      pack.entry({ name: "kura/manifest.json", type: "file" }, JSON.stringify(baseManifest), () => resolve()),
    );
    const zeros = Buffer.alloc(1024 * 1024);
    const sink = pack.entry({ name: "payload/var/lib/zeros", type: "file", size: zerosSize });
    for (let written = 0; written < zerosSize; written += zeros.length)
      if (!sink.write(zeros)) await new Promise<void>((resolve) => sink.once("drain", () => resolve()));
    sink.end(null);
    pack.finalize();
    const bomb = await compressed;
    expect(bomb.length).toBeLessThan(zerosSize / 500);

    const started = Date.now();
    const error = await expectRefused(bomb, 413, /times its compressed size.*decompression bomb/, { maxRatio: 100 });
    expect(error.code).toBe("bundle_ratio");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectRefused(bomb, 413, /unpacks to more than 16 MiB/, { maxUncompressedBytes: 16 * 1024 * 1024 });
  });

  it("too many entries", async () => {
    const folders = Array.from({ length: 50 }, (_, i) => folder(`payload/d${i}/`));
    const error = await expectRefused(await packTar([...validItems(), ...folders]), 413, /more than 20 entries/, { maxEntries: 20 });
    expect(error.code).toBe("bundle_too_many_entries");
  });

  it("an upload over the compressed limit, and a manifest over its limit", async () => {
    const bundle = await packTar(validItems());
    await expectRefused(bundle, 413, /the upload is larger than 100 bytes/, { maxCompressedBytes: 100 });
    await expectRefused(bundle, 413, /kura\/manifest\.json is larger than/, { maxManifestBytes: 64 });
  });
});

describe("readBundle and captures (issue 15)", () => {
  const DUMP = "CREATE ROLE app;\n";
  const capture = {
    recipe: "postgresql-dumpall",
    service: "PostgreSQL",
    package: "postgresql-13",
    packageVersion: "13.16-0+deb11u1",
    serverVersion: "PostgreSQL 13.16",
    argv: ["pg_dumpall"],
    user: "postgres",
    format: "sql" as const,
    name: "postgresql-dumpall.sql",
    sha256: sha(DUMP),
    size: DUMP.length,
    startedAt: "2024-05-01T10:00:00.000Z",
    finishedAt: "2024-05-01T10:00:01.000Z",
  };
  const withCapture: Manifest = { ...baseManifest, captures: [capture], quiesce: { mode: "pause", restarted: true } };

  it("stores a capture carried at captures/<name>", async () => {
    const items = [...validItems(withCapture), folder("captures/"), file("captures/postgresql-dumpall.sql", DUMP)];
    const imported = await readBundle(Readable.from([await packTar(items)]), store);
    expect(imported.manifest.captures).toEqual([capture]);
    expect(await store.has(sha(DUMP))).toBe(true);
  });

  it("refuses an altered capture, a missing one, an unlisted one and a path under captures/", async () => {
    const altered = [...validItems(withCapture), folder("captures/"), file("captures/postgresql-dumpall.sql", "DROP ROLE app;\n")];
    await expectRefused(await packTar(altered), 422, /captures\/postgresql-dumpall\.sql.*does not match the manifest/);
    await expectRefused(await packTar(validItems(withCapture)), 422, /PostgreSQL capture .*captures\/postgresql-dumpall\.sql.*missing/);
    const unlisted = [...validItems(), folder("captures/"), file("captures/extra.sql", DUMP)];
    await expectRefused(await packTar(unlisted), 422, /captures\/extra\.sql.*not in the manifest/);
    const nested = [...validItems(withCapture), folder("captures/"), file("captures/sub/x.sql", DUMP)];
    await expectRefused(await packTar(nested), 422, /not a capture file/);
  });

  it("refuses a manifest whose capture name is a path", async () => {
    const evil = { ...baseManifest, captures: [{ ...capture, name: "../../etc/passwd" }] };
    await expectRefused(await packTar(validItems(evil)), 422, /not a valid Kura manifest: captures/);
  });
});

describe("readBundle cleans up", () => {
  it("removes its temporary file when aborted", async () => {
    const bundle = await packTar(validItems());
    const before = await listFiles(store.root);
    const controller = new AbortController();
    // An upload that stalls halfway, as a slow client would.
    const source = new Readable({ read() {} });
    source.push(bundle.subarray(0, 100));
    const importing = readBundle(source, store, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await listFiles(path.join(store.root, "tmp"))).length).toBe(1);
    controller.abort();
    await expect(importing).rejects.toMatchObject({ name: "AbortError" });
    expect(await listFiles(store.root)).toEqual(before);
    expect(source.destroyed).toBe(true);
  });
});
