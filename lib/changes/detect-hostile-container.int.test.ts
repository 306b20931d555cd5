import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { RPMDB_TAG } from "@/e2e/harness/rpm-image.mjs";
import { inspectContainerWithLayer } from "@/lib/docker/inspect-container";
import { findLayerDirectory, hashLayerFiles, walkLayerDirectory } from "@/lib/docker/read-layer-directly";
import { getEngine } from "@/lib/engines/engine-registry";
import { detectContainerChanges } from "./detect-container-changes";
import { RPMDB_WORKER_RESOURCE_LIMITS } from "./read-rpmdb";

// Detection of containers that attack Kura: a package database that makes gigabytes, a package list
// the size of a disk, package files swapped for a FIFO, a device node or links to the host after
// Kura listed them. Detection must finish, promptly, with a warning saying what it did not read.

const HUGE = 500_000_000; // as large a blob as SQLite makes here; four rows of it are 2 GB

/** A database with rpm's table whose schema was then rewritten to compute the blob (as a hostile file can be written). */
function zeroblobRpmdb(file: string) {
  const db = new Database(file);
  db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
  for (let row = 0; row < 4; row++) db.prepare("INSERT INTO Packages (blob) VALUES (?)").run(Buffer.from("x"));
  db.unsafeMode(true);
  db.pragma("writable_schema = ON");
  const schema = `CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, seed BLOB, blob BLOB GENERATED ALWAYS AS (zeroblob(${HUGE})) VIRTUAL)`;
  db.prepare("UPDATE sqlite_master SET sql = ? WHERE name = 'Packages'").run(schema);
  db.close();
}

/** The longest the event loop was blocked while `work` ran (what the dashboard's other requests would wait). */
async function worstLag<T>(work: () => Promise<T>): Promise<{ result: T; lagMs: number }> {
  let last = performance.now();
  let lagMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 20);
    last = now;
  }, 20);
  try {
    return { result: await work(), lagMs };
  } finally {
    clearInterval(probe);
  }
}

describe("a container whose rpm database computes gigabytes", () => {
  const name = uniqueName("kura-it-zeroblob");
  const hostDir = mkdtempSync(path.join(tmpdir(), "kura-it-zeroblob-"));
  beforeAll(() => {
    runContainer({ name, image: RPMDB_TAG, command: ["sleep", "3600"] });
    zeroblobRpmdb(path.join(hostDir, "rpmdb.sqlite"));
    docker(["cp", path.join(hostDir, "rpmdb.sqlite"), `${name}:/var/lib/rpm/rpmdb.sqlite`]);
    exec(name, ["sh", "-c", "mkdir -p /srv && echo records > /srv/data.txt"]);
  });
  afterAll(() => {
    removeContainer(name);
    rmSync(hostDir, { recursive: true, force: true });
  });

  for (const layerAccess of ["auto", "archive-api"] as const) {
    it(`finishes with bounded memory and a warning, without package checks (layer read: ${layerAccess})`, async () => {
      const rssBefore = process.memoryUsage().rss;
      const { result: detected, lagMs } = await worstLag(() => detectContainerChanges("local", name, { layerAccess }));
      const grown = process.memoryUsage().rss - rssBefore;
      expect(grown).toBeLessThan(300 * 1024 * 1024);
      expect(lagMs).toBeLessThan(1500);
      expect(detected.packageManager).toBe("rpm");
      expect(detected.packages).toEqual([]);
      expect(detected.warnings).toContainEqual({
        code: "package-database-refused",
        path: "/var/lib/rpm/rpmdb.sqlite",
        message: expect.stringMatching(/not rpm's/),
      });
      expect(detected.entries.find((entry) => entry.path === "/srv/data.txt")).toMatchObject({ category: "user-data", selected: true });
      // The database is read in a worker whose heap is capped.
      expect(RPMDB_WORKER_RESOURCE_LIMITS.maxOldGenerationSizeMb).toBeLessThanOrEqual(128);
    });
  }
});

describe("a container with a 64 GiB sparse dpkg package list", () => {
  const name = uniqueName("kura-it-sparse");
  beforeAll(() => {
    runContainer({ name, image: BOOKWORM });
    exec(name, [
      "sh",
      "-c",
      "truncate -s 64G /var/lib/dpkg/info/zz.list && mkdir -p /srv && echo records > /srv/data.txt && touch /usr/bin/true",
    ]);
  });
  afterAll(() => removeContainer(name));

  for (const layerAccess of ["auto", "archive-api"] as const) {
    it(`finishes quickly with a warning naming the file, the dashboard responsive (layer read: ${layerAccess})`, async () => {
      const started = performance.now();
      const rssBefore = process.memoryUsage().rss;
      const { result: detected, lagMs } = await worstLag(() => detectContainerChanges("local", name, { layerAccess }));
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
      expect(lagMs).toBeLessThan(1500);
      expect(detected.warnings).toContainEqual({
        code: "file-too-large",
        path: "/var/lib/dpkg/info/zz.list",
        message: expect.stringContaining("64 GiB"),
      });
      // The packages are still listed (from dpkg's status); the files are classified by path alone.
      expect(detected.packages.find((pkg) => pkg.name === "bash")).toBeTruthy();
      expect(detected.entries.find((entry) => entry.path === "/var/lib/dpkg/info/zz.list")).toMatchObject({ size: 64 * 1024 ** 3 });
      expect(detected.entries.find((entry) => entry.path === "/srv/data.txt")).toMatchObject({ category: "user-data", selected: true });
    });
  }
});

describe("package files swapped after the walk (hashing for the package comparison)", () => {
  const name = uniqueName("kura-it-swap");
  const hostDir = mkdtempSync(path.join(tmpdir(), "kura-it-host-"));
  const MARKER = `kura-host-marker-${Date.now()}-${Math.random()}`;
  let layerDir = "";
  beforeAll(async () => {
    writeFileSync(path.join(hostDir, "true"), MARKER);
    writeFileSync(path.join(hostDir, "marker"), MARKER);
    runContainer({ name, image: BOOKWORM });
    exec(name, ["sh", "-c", "touch /usr/bin/true /usr/bin/false /usr/bin/yes /usr/bin/env"]);
    const engine = await getEngine("local");
    layerDir = findLayerDirectory(engine, await inspectContainerWithLayer(engine, name)) ?? "";
    expect(layerDir).not.toBe("");
  });
  afterAll(() => {
    removeContainer(name);
    rmSync(hostDir, { recursive: true, force: true });
  });

  it("never opens a FIFO or a device node, never follows a link to the host, and says so", async () => {
    const walk = await walkLayerDirectory(layerDir, { headBytes: 64 });
    const listed = (file: string) => ({ path: file, inode: walk.headers.get(file)?.inode });
    const files = ["/usr/bin/true", "/usr/bin/false", "/usr/bin/yes", "/usr/bin/env"].map(listed);
    expect(files.every((file) => file.inode)).toBe(true);
    // After the walk, the container swaps them: a FIFO (a plain open would wait forever), the host's /dev/zero as a
    // device node (a plain read never ends), a symlink to a host file, and a file swapped for another inode.
    const at = (file: string) => path.join(layerDir, file);
    rmSync(at("/usr/bin/true"));
    execFileSync("mkfifo", [at("/usr/bin/true")]);
    rmSync(at("/usr/bin/false"));
    execFileSync("mknod", [at("/usr/bin/false"), "c", "1", "5"]);
    rmSync(at("/usr/bin/yes"));
    symlinkSync(path.join(hostDir, "marker"), at("/usr/bin/yes"));
    writeFileSync(at("/usr/bin/env.new"), "swapped by the container");
    renameSync(at("/usr/bin/env.new"), at("/usr/bin/env"));
    const started = performance.now();
    const { sums, warnings } = await hashLayerFiles(layerDir, files, "md5");
    expect(performance.now() - started).toBeLessThan(5000);
    expect(sums.size).toBe(0);
    expect(warnings).toEqual([
      {
        code: "not-a-regular-file",
        path: "/usr/bin/true",
        message: "/usr/bin/true is a FIFO, not a regular file: not compared with its package.",
      },
      {
        code: "not-a-regular-file",
        path: "/usr/bin/false",
        message: "/usr/bin/false is a character device, not a regular file: not compared with its package.",
      },
      {
        code: "not-a-regular-file",
        path: "/usr/bin/yes",
        message: "/usr/bin/yes is a symlink, not a regular file: not compared with its package.",
      },
      {
        code: "changed-during-read",
        path: "/usr/bin/env",
        message: "/usr/bin/env was replaced while Kura read it: not compared with its package.",
      },
    ]);
  }, 15_000);

  it("does not hash through a folder swapped for a symlink to the host", async () => {
    exec(name, ["sh", "-c", "mkdir -p /opt/tool && echo tool > /opt/tool/true"]);
    const walk = await walkLayerDirectory(layerDir);
    const inode = walk.headers.get("/opt/tool/true")?.inode;
    renameSync(path.join(layerDir, "opt/tool"), path.join(layerDir, "opt/tool.moved"));
    symlinkSync(hostDir, path.join(layerDir, "opt/tool"));
    // Without the inode the walk saw (the worst case): the path check alone refuses it.
    for (const file of [{ path: "/opt/tool/true", inode }, { path: "/opt/tool/true" }]) {
      const { sums, warnings } = await hashLayerFiles(layerDir, [file], "md5");
      expect(sums.size).toBe(0);
      expect(warnings).toEqual([
        { code: "outside-layer", path: "/opt/tool/true", message: expect.stringContaining("leads outside its folder") },
      ]);
    }
    // The walk lists the link as a link, and never what is behind it.
    const again = await walkLayerDirectory(layerDir, { headBytes: 64 });
    expect(again.headers.get("/opt/tool")).toMatchObject({ type: "symlink", linkTarget: hostDir });
    expect(again.headers.has("/opt/tool/marker")).toBe(false);
    expect([...again.headers.values()].some((header) => header.head?.toString().includes(MARKER.slice(0, 40)))).toBe(false);
  });

  it("detection of the swapped container still finishes, promptly", async () => {
    const { result: detected } = await worstLag(() => detectContainerChanges("local", name));
    expect(detected.entries.find((entry) => entry.path === "/usr/bin/true")).toMatchObject({ type: "other" });
    expect(detected.entries.find((entry) => entry.path === "/opt/tool")).toMatchObject({ type: "symlink" });
    expect(JSON.stringify(detected)).not.toContain(MARKER);
  }, 60_000);
});

describe("a container whose dpkg database names a package like an option", () => {
  const name = uniqueName("kura-it-badpkg");
  beforeAll(() => {
    runContainer({ name, image: BOOKWORM, command: ["sleep", "3600"] });
    // A stanza apt would pass on as `-oDir::Bin::dpkg=/bin/sh` if the name reached its command line.
    exec(name, [
      "sh",
      "-c",
      "printf '\\nPackage: -oDir::Bin::dpkg=/bin/sh\\nStatus: install ok installed\\nVersion: 1\\nArchitecture: all\\n' >> /var/lib/dpkg/status",
    ]);
  });
  afterAll(() => removeContainer(name));

  it("leaves the name out of the package list and says so", async () => {
    const detected = await detectContainerChanges("local", name);
    expect(detected.packages.length).toBeGreaterThan(50);
    // dpkg names drop an ":arch" suffix, so the name read is "-oDir": still no package name.
    expect(detected.packages.filter((pkg) => pkg.name.startsWith("-"))).toEqual([]);
    const warning = detected.warnings.find((candidate) => candidate.code === "package-database-refused");
    expect(warning?.message).toContain('names 1 package(s) no dpkg would accept ("-oDir")');
  });
});
