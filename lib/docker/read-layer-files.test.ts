import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLayerFiles, type LayerFileContent } from "./read-layer-files";
import type { ArchiveHeader } from "./walk-archive";

// The layer folder belongs to a container that may be hostile: these tests build folders by hand
// (no engine needed) with the tricks such a container could play.

let root: string;
let layer: string;
let outside: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "kura-layer-"));
  layer = path.join(root, "diff");
  outside = path.join(root, "host-secrets");
  mkdirSync(path.join(layer, "srv", "app"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, "shadow"), "host secret");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function read(paths: string[], wholeBytes = 1024) {
  const seen: { header: ArchiveHeader; bytes: Buffer | null }[] = [];
  const missing = await readLayerFiles(
    layer,
    paths,
    {
      users: new Map([
        [0, "root"],
        [1600, "carol"],
      ]),
      groups: new Map([[0, "root"]]),
      wholeBytes,
      readAhead: 3,
    },
    async (header, content: LayerFileContent) => {
      seen.push({ header, bytes: content === null ? null : Buffer.isBuffer(content) ? content : await readAll(content) });
    },
  );
  return { seen, missing };
}

describe("readLayerFiles", () => {
  it("hands over files, folders and symlinks in order, small files whole and large ones as streams", async () => {
    writeFileSync(path.join(layer, "srv/app/small.txt"), "hello");
    writeFileSync(path.join(layer, "srv/app/large.bin"), Buffer.alloc(5000, 7));
    chmodSync(path.join(layer, "srv/app/small.txt"), 0o640);
    symlinkSync("small.txt", path.join(layer, "srv/app/link"));
    linkSync(path.join(layer, "srv/app/small.txt"), path.join(layer, "srv/app/hard.txt"));
    const { seen, missing } = await read(["/srv/app", "/srv/app/small.txt", "/srv/app/large.bin", "/srv/app/link", "/srv/app/hard.txt"]);
    expect(missing).toEqual([]);
    expect(seen.map((item) => [item.header.path, item.header.type])).toEqual([
      ["/srv/app", "dir"],
      ["/srv/app/small.txt", "file"],
      ["/srv/app/large.bin", "file"],
      ["/srv/app/link", "symlink"],
      ["/srv/app/hard.txt", "file"],
    ]);
    expect(seen[1]).toMatchObject({ header: { size: 5, mode: 0o640, uname: "root", gname: "root" } });
    expect(seen[1]!.bytes?.toString()).toBe("hello");
    expect(seen[2]!.bytes?.equals(Buffer.alloc(5000, 7))).toBe(true);
    expect(seen[3]!.header.linkTarget).toBe("small.txt");
    expect(seen[4]!.bytes?.toString()).toBe("hello");
    expect(seen[1]!.header.mtime).toMatch(/T\d\d:\d\d:\d\d\.000Z$/);
  });

  it("never reads through a folder the container turned into a link to the host", async () => {
    // The container replaced /etc with a symlink to a host folder (absolute links resolve on the host).
    symlinkSync(outside, path.join(layer, "etc"));
    const { seen, missing } = await read(["/etc/shadow", "/etc"]);
    expect(seen.find((item) => item.header.path === "/etc/shadow")).toBeUndefined();
    expect(missing).toEqual(["/etc/shadow"]);
    // The link itself is described, not followed.
    expect(seen).toEqual([
      expect.objectContaining({ header: expect.objectContaining({ path: "/etc", type: "symlink", linkTarget: outside }) }),
    ]);
  });

  it("does not open a file that is itself a link, nor one swapped for a link after the listing", async () => {
    symlinkSync(path.join(outside, "shadow"), path.join(layer, "srv/app/evil"));
    const { seen } = await read(["/srv/app/evil"]);
    expect(seen).toEqual([expect.objectContaining({ header: expect.objectContaining({ type: "symlink" }), bytes: null })]);

    // A parent folder swapped for a link between detection and reading: the path now resolves outside.
    mkdirSync(path.join(layer, "srv/data"));
    renameSync(path.join(layer, "srv/data"), path.join(layer, "srv/data-old"));
    symlinkSync(outside, path.join(layer, "srv/data"));
    const swapped = await read(["/srv/data/shadow"]);
    expect(swapped.missing).toEqual(["/srv/data/shadow"]);
    expect(swapped.seen).toEqual([]);
  });

  it("describes fifos without opening them, and reports paths it cannot take", async () => {
    execFileSync("mkfifo", [path.join(layer, "srv/app/pipe")]);
    const { seen, missing } = await read(["/srv/app/pipe", "/srv/app/gone.txt", "/srv/../etc/passwd", "relative"]);
    expect(seen.map((item) => [item.header.path, item.header.type, item.bytes])).toEqual([["/srv/app/pipe", "other", null]]);
    expect(missing).toEqual(["/srv/app/gone.txt", "/srv/../etc/passwd", "relative"]);
  });
});
