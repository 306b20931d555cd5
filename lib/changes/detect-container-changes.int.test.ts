import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKWORM, BUSYBOX, docker, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { RPM_APP, RPMDB_TAG } from "@/e2e/harness/rpm-image.mjs";
import { detectContainerChanges, type DetectedChanges } from "./detect-container-changes";

// Detection against the real engine: a Debian 12 container that does what services do.

const name = uniqueName("kura-it-detect");
const volume = uniqueName("kura-it-vol");
const bindDir = mkdtempSync(path.join(tmpdir(), "kura-it-bind-"));
const busyboxName = uniqueName("kura-it-busybox");

const SETUP = [
  "set -e",
  "useradd -m -u 1500 alice",
  "echo '# kura test edit' >> /etc/bash.bashrc",
  "touch /usr/bin/true /etc/skel/.bashrc",
  "mkdir -p /srv/app && echo 'customer records' > /srv/app/data.txt",
  "echo 'volume data' > /var/lib/appdata/v.txt",
  "echo 'bind data' > /mnt/bind/b.txt",
  "echo 4242 > /run/app.pid",
  "echo 'started' > /var/log/app.log",
  "mkdir -p /root/.ssh && printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\\nAAAA\\n-----END OPENSSH PRIVATE KEY-----\\n' > /root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa",
].join("\n");

function entry(detected: DetectedChanges, entryPath: string) {
  const found = detected.entries.find((candidate) => candidate.path === entryPath);
  if (!found) throw new Error(`${entryPath} was not detected; got ${detected.entries.length} entries`);
  return found;
}

function expectServiceData(detected: DetectedChanges) {
  expect(detected.packageManager).toBe("dpkg");
  expect(entry(detected, "/etc/passwd")).toMatchObject({ category: "account", source: "layer", selected: true });
  expect(entry(detected, "/etc/shadow")).toMatchObject({ category: "account", selected: true });
  const conffile = entry(detected, "/etc/bash.bashrc");
  expect(conffile).toMatchObject({ category: "config", selected: true, kind: "modified" });
  expect(conffile.decidedBy.reason).toContain("bash");
  expect(entry(detected, "/srv/app/data.txt")).toMatchObject({
    category: "user-data",
    source: "layer",
    selected: true,
    kind: "added",
    type: "file",
    size: 17,
  });
  expect(entry(detected, "/var/lib/appdata/v.txt")).toMatchObject({ category: "user-data", source: "volume", selected: true });
  expect(entry(detected, "/mnt/bind/b.txt")).toMatchObject({ category: "user-data", source: "bind", selected: true });
  const pid = entry(detected, "/run/app.pid");
  expect(pid).toMatchObject({ category: "runtime", selected: false });
  expect(pid.decidedBy.rule).toBeTruthy();
  const log = entry(detected, "/var/log/app.log");
  expect(log).toMatchObject({ category: "log", selected: false });
  // Left out by its category (no rule matches logs by name any more), saying how to keep it.
  expect(log.decidedBy.rule).toBeUndefined();
  expect(log.decidedBy.reason).toMatch(/^log under \/var\/log: logs are left out by default/);
  const key = entry(detected, "/root/.ssh/id_rsa");
  expect(key).toMatchObject({ category: "secret-candidate", selected: true, mode: 0o600 });
  const untouched = entry(detected, "/usr/bin/true");
  expect(untouched).toMatchObject({ category: "package-unchanged", selected: false });
  expect(untouched.decidedBy.reason).toContain("coreutils");
  expect(entry(detected, "/etc/skel/.bashrc")).toMatchObject({ category: "package-unchanged" });
  for (const managed of ["/etc/hosts", "/etc/resolv.conf", "/etc/hostname"]) {
    const found = detected.entries.find((candidate) => candidate.path === managed);
    if (found) expect(found.category).not.toBe("user-data");
  }
  const home = entry(detected, "/home/alice");
  expect(home).toMatchObject({ type: "dir", uid: 1500 });
  expect(detected.packages.find((pkg) => pkg.name === "bash")?.version).toMatch(/^5\./);
  expect(detected.totals.entries).toBe(detected.entries.length);
  expect(detected.totals.selectedEntries).toBe(detected.entries.filter((candidate) => candidate.selected).length);
}

describe("detectContainerChanges on Debian 12", () => {
  beforeAll(() => {
    runContainer({ name, image: BOOKWORM, volumes: [`${volume}:/var/lib/appdata`, `${bindDir}:/mnt/bind`] });
    exec(name, ["bash", "-c", SETUP]);
  });
  afterAll(() => {
    removeContainer(name);
    try {
      docker(["volume", "rm", volume]);
    } catch {}
  });

  it("classifies every kind of change on a running container, reading the layer directly", async () => {
    const detected = await detectContainerChanges("local", name);
    expect(detected.layerReadVia).toBe("overlay2");
    expectServiceData(detected);
  });

  it("gives the same answer through the archive API (how remote engines are read)", async () => {
    const viaArchive = await detectContainerChanges("local", name, { layerAccess: "archive-api" });
    expect(viaArchive.layerReadVia).toBe("archive-api");
    expectServiceData(viaArchive);
    const direct = await detectContainerChanges("local", name);
    const strip = (result: typeof direct) =>
      result.entries.map(({ path, category, selected, type, size, mode, uid, gid, mtime }) => ({
        path,
        category,
        selected,
        type,
        size,
        mode,
        uid,
        gid,
        mtime,
      }));
    expect(strip(viaArchive)).toEqual(strip(direct));
  });

  it("does the same on the stopped container", async () => {
    docker(["stop", "-t", "0", name]);
    const detected = await detectContainerChanges("local", name);
    expect(detected.container.state).toBe("exited");
    expectServiceData(detected);
  });

  it("limits to files changed after a marker file", async () => {
    docker(["start", name]);
    exec(name, ["bash", "-c", "touch /tmp/ts0 && sleep 1.1 && echo later > /srv/app/later.txt"]);
    const detected = await detectContainerChanges("local", name, { sinceMarker: "/tmp/ts0" });
    expect(detected.since).not.toBeNull();
    expect(detected.entries.some((candidate) => candidate.path === "/srv/app/later.txt")).toBe(true);
    expect(detected.entries.some((candidate) => candidate.path === "/srv/app/data.txt")).toBe(false);
  });

  it("reports an unknown container as not found", async () => {
    await expect(detectContainerChanges("local", "kura-no-such-container")).rejects.toMatchObject({
      status: 404,
      code: "container_not_found",
    });
  });
});

describe("detectContainerChanges without a package manager", () => {
  beforeAll(() => {
    writeFileSync(path.join(bindDir, "unused"), "");
    runContainer({ name: busyboxName, image: BUSYBOX, command: ["sleep", "3600"] });
    exec(busyboxName, ["sh", "-c", "mkdir -p /srv/data && echo hello > /srv/data/notes.txt && echo 1 > /tmp/x.pid"]);
  });
  afterAll(() => removeContainer(busyboxName));

  it("classifies by path alone", async () => {
    const detected = await detectContainerChanges("local", busyboxName);
    expect(detected.packageManager).toBeNull();
    expect(detected.packages).toEqual([]);
    expect(entry(detected, "/srv/data/notes.txt")).toMatchObject({ category: "user-data", selected: true });
    expect(entry(detected, "/tmp/x.pid")).toMatchObject({ category: "runtime", selected: false });
  });
});

describe("detectContainerChanges with apk's database (an Alpine-style container)", () => {
  const apkName = uniqueName("kura-it-apk");
  const sha1Q1 = (content: string) => `Q1${createHash("sha1").update(content).digest("base64")}`;
  // The package database as apk writes it: app owns /usr/bin/app and /etc/app.conf, with their packaged SHA-1.
  const installed = [
    "P:app",
    "V:1.0-r0",
    "A:x86_64",
    "F:usr/bin",
    "R:app",
    `Z:${sha1Q1("app binary\n")}`,
    "F:etc",
    "R:app.conf",
    `Z:${sha1Q1("listen 80\n")}`,
    "",
  ].join("\n");
  beforeAll(() => {
    runContainer({ name: apkName, image: BUSYBOX, command: ["sleep", "3600"] });
    exec(apkName, [
      "sh",
      "-c",
      'mkdir -p /lib/apk/db /etc/apk /usr/bin && printf "%s" "$1" > /lib/apk/db/installed && echo app > /etc/apk/world',
      "sh",
      installed,
    ]);
    // The package's binary as packaged, its configuration edited, and data of the service's own.
    exec(apkName, [
      "sh",
      "-c",
      "printf 'app binary\\n' > /usr/bin/app && printf 'listen 8080\\n' > /etc/app.conf && mkdir -p /srv && echo records > /srv/data.txt",
    ]);
  });
  afterAll(() => removeContainer(apkName));

  for (const layerAccess of ["auto", "archive-api"] as const) {
    it(`compares package files with apk's SHA-1 sums (layer read: ${layerAccess})`, async () => {
      const detected = await detectContainerChanges("local", apkName, { layerAccess });
      expect(detected.packageManager).toBe("apk");
      expect(detected.packages).toEqual([{ name: "app", version: "1.0-r0", architecture: "x86_64", manual: true }]);
      expect(entry(detected, "/usr/bin/app")).toMatchObject({ category: "package-unchanged", selected: false });
      expect(entry(detected, "/usr/bin/app").decidedBy.reason).toContain("owned by package app, unchanged");
      expect(entry(detected, "/etc/app.conf")).toMatchObject({ category: "config", selected: true });
      expect(entry(detected, "/etc/app.conf").decidedBy.reason).toContain("modified after install");
      expect(entry(detected, "/srv/data.txt")).toMatchObject({ category: "user-data", selected: true });
    });
  }
});

describe("detectContainerChanges with rpm's database (a database rpm itself wrote)", () => {
  const rpmName = uniqueName("kura-it-rpm");
  beforeAll(() => {
    runContainer({ name: rpmName, image: RPMDB_TAG, command: ["sleep", "3600"] });
    // The package's binary rewritten with the same bytes (so it is in the layer, unchanged), its %config file edited,
    // and data of the service's own.
    exec(rpmName, [
      "sh",
      "-c",
      `printf '${RPM_APP.binaryContent.replace("\n", "\\n")}' > ${RPM_APP.binary} && printf 'listen 8080\\n' > ${RPM_APP.config} && mkdir -p /srv && echo records > /srv/data.txt`,
    ]);
  });
  afterAll(() => removeContainer(rpmName));

  for (const layerAccess of ["auto", "archive-api"] as const) {
    it(`compares package files with rpm's SHA-256 digests (layer read: ${layerAccess})`, async () => {
      const detected = await detectContainerChanges("local", rpmName, { layerAccess });
      expect(detected.packageManager).toBe("rpm");
      expect(detected.packages).toEqual([{ name: RPM_APP.name, version: RPM_APP.version, architecture: "noarch", manual: false }]);
      expect(entry(detected, RPM_APP.binary)).toMatchObject({ category: "package-unchanged", selected: false });
      expect(entry(detected, RPM_APP.config)).toMatchObject({ category: "config", selected: true });
      expect(entry(detected, RPM_APP.config).decidedBy.reason).toContain("edited conffile of package kura-app");
      expect(entry(detected, "/srv/data.txt")).toMatchObject({ category: "user-data", selected: true });
    });
  }
});
