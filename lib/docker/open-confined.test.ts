import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConfinedOpenError,
  listFolderConfinedSync,
  openConfined,
  openConfinedSync,
  readConfinedSync,
  readHeadConfinedSync,
} from "./open-confined.mjs";

// The one confined open, on folders built by hand with the tricks a hostile container can play in its
// layer folder: FIFOs (which would hang a plain open), device nodes (which would read a host disk as
// root), symlinks to host files and folders swapped for symlinks to /.

let root: string;
let layer: string;
const HOST_SECRET = `host-secret-${process.pid}-${Date.now()}`;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "kura-confined-"));
  layer = path.join(root, "diff");
  mkdirSync(path.join(layer, "srv", "app"), { recursive: true });
  mkdirSync(path.join(root, "host"));
  writeFileSync(path.join(root, "host", "shadow"), HOST_SECRET);
  writeFileSync(path.join(layer, "srv/app/data.txt"), "customer records");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ConfinedOpenError) return error.reason;
    throw error;
  }
  return "opened";
};
const asyncRefusal = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    if (error instanceof ConfinedOpenError) return error.reason;
    throw error;
  }
  return "opened";
};

describe("openConfinedSync and openConfined", () => {
  it("read a regular file at exactly its path", async () => {
    const file = path.join(layer, "srv/app/data.txt");
    expect(readConfinedSync(file, { maxBytes: 1024 }).bytes.toString()).toBe("customer records");
    expect(readHeadConfinedSync(file, 8).toString()).toBe("customer");
    const { handle, stats } = await openConfined(file);
    expect(stats.size).toBe(16);
    expect((await handle.readFile()).toString()).toBe("customer records");
    await handle.close();
  });

  it("never open a FIFO (no hang), a device node, a socket-like special file or a folder", async () => {
    const fifo = path.join(layer, "srv/app/fifo");
    execFileSync("mkfifo", [fifo]);
    const device = path.join(layer, "srv/app/disk");
    // The host's /dev/zero (char 1:5) made inside the layer, as a container with CAP_MKNOD could.
    execFileSync("mknod", [device, "c", "1", "5"]);
    for (const file of [fifo, device, path.join(layer, "srv/app")]) {
      expect(refusal(() => openConfinedSync(file))).toBe("not-a-file");
      expect(await asyncRefusal(() => openConfined(file))).toBe("not-a-file");
    }
  }, 5000);

  it("refuse a symlink to a host file and a folder swapped for a symlink to the host", async () => {
    symlinkSync(path.join(root, "host/shadow"), path.join(layer, "srv/app/link"));
    expect(refusal(() => readConfinedSync(path.join(layer, "srv/app/link"), { maxBytes: 1024 }))).toBe("not-a-file");
    renameSync(path.join(layer, "srv/app"), path.join(layer, "srv/app-moved"));
    symlinkSync(path.join(root, "host"), path.join(layer, "srv/app"));
    const viaLink = path.join(layer, "srv/app/shadow");
    expect(refusal(() => readConfinedSync(viaLink, { maxBytes: 1024 }))).toBe("outside");
    expect(await asyncRefusal(() => openConfined(viaLink))).toBe("outside");
    expect(refusal(() => listFolderConfinedSync(path.join(layer, "srv/app")))).toBe("missing");
    symlinkSync("/", path.join(layer, "srv/root"));
    expect(refusal(() => listFolderConfinedSync(path.join(layer, "srv/root")))).toBe("missing");
    expect(refusal(() => listFolderConfinedSync(path.join(layer, "srv/root/etc")))).toBe("outside");
    expect(listFolderConfinedSync(path.join(layer, "srv")).sort()).toEqual(["app", "app-moved", "root"]);
  });

  it("refuse another inode than the one listed, and a file over the limit", async () => {
    const file = path.join(layer, "srv/app/data.txt");
    const listed = lstatSync(file);
    writeFileSync(path.join(layer, "srv/app/other"), "swapped in");
    renameSync(path.join(layer, "srv/app/other"), file);
    expect(refusal(() => openConfinedSync(file, { expected: { dev: listed.dev, ino: listed.ino } }))).toBe("changed");
    expect(await asyncRefusal(() => openConfined(file, { expected: { dev: listed.dev, ino: listed.ino } }))).toBe("changed");
    execFileSync("truncate", ["-s", "64G", path.join(layer, "srv/app/sparse")]);
    const error = (() => {
      try {
        readConfinedSync(path.join(layer, "srv/app/sparse"), { maxBytes: 1024 * 1024 });
      } catch (caught) {
        return caught as ConfinedOpenError;
      }
    })();
    expect(error?.reason).toBe("too-large");
    expect(error?.size).toBe(64 * 1024 ** 3);
  });
});
