import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, docker, dockerHost, removeContainer, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { testLabelArgs } from "@/e2e/harness/engine.mjs";
import { readLowestLayerFile } from "@/lib/docker/read-lowest-layer-file";
import { getEngine } from "@/lib/engines/engine-registry";
import { readBasePackages } from "./read-base-packages";

// The original base's own package list, read from the container's lowest image layer on the real engine: from the
// layer's folder (local overlay2), and through a created container of the single-layer image (what remote engines
// get). A container whose lowest layer is no plain OS falls back to Debian's minimal set, and says why.

const cronName = uniqueName("kura-it-base-cron");
const busyboxName = uniqueName("kura-it-base-busybox");
const linkName = uniqueName("kura-it-base-link");
// An image whose only layer has /var/lib/dpkg/status as a symlink to the host's /etc/passwd (if followed on the host).
const linkImage = `kura-test/status-link:${Date.now().toString(36)}`;
// A restore's packages stage built on debian:bullseye with nothing installed: the same single layer, other labels, a
// tag that sorts before "debian". The base must still be named debian:bullseye.
const decoyImage = `a-kura-restore/stage:${Date.now().toString(36)}`;

const create = (name: string, image: string) => docker(["create", "--network", "none", ...testLabelArgs(), "--name", name, image, "true"]);

/** The container's image as its inspection names it (what detection passes on). */
function imageOf(container: string): { imageId: string; imageRef: string } {
  const [imageId, imageRef] = docker(["inspect", "--format", "{{.Image}} {{.Config.Image}}", container]).split(" ");
  return { imageId: imageId!, imageRef: imageRef! };
}

describe("readBasePackages", () => {
  beforeAll(() => {
    ensureCron();
    create(cronName, CRON_IMAGE);
    create(busyboxName, BUSYBOX);
    const root = mkdtempSync(path.join(tmpdir(), "kura-status-link-"));
    try {
      mkdirSync(path.join(root, "var/lib/dpkg"), { recursive: true });
      symlinkSync("/etc/passwd", path.join(root, "var/lib/dpkg/status"));
      const tarball = path.join(root, "..", `${path.basename(root)}.tar`);
      execFileSync("tar", ["-C", root, "-cf", tarball, "."]);
      docker(["import", tarball, linkImage]);
      rmSync(tarball, { force: true });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    create(linkName, linkImage);
    execFileSync("docker", ["-H", dockerHost(), "build", "--network", "none", "-t", decoyImage, "-"], {
      input: "FROM debian:bullseye\nLABEL kura.restore=decoy\n",
      env: process.env,
      stdio: ["pipe", "ignore", "inherit"],
    });
  }, 600_000);
  afterAll(() => {
    removeContainer(cronName);
    removeContainer(busyboxName);
    removeContainer(linkName);
    docker(["image", "rm", "-f", linkImage]);
    docker(["image", "rm", "-f", decoyImage]);
  });

  it("reads debian:bullseye's own list from the lowest layer's folder: bash is there, cron (installed on top) is not", async () => {
    const engine = await getEngine("local");
    const { base, warnings } = await readBasePackages(engine, imageOf(cronName));
    expect(warnings).toEqual([]);
    expect(base).toMatchObject({ source: "lowest-layer", image: "debian:bullseye", readVia: "layer-folder" });
    if (base.source !== "lowest-layer") throw new Error("unreachable");
    expect(base.names.has("bash")).toBe(true);
    expect(base.names.has("apt")).toBe(true);
    expect(base.names.has("cron")).toBe(false);
    expect(base.names.has("logrotate")).toBe(false);
  });

  it("without the layer folder, reads it from a created container of debian:bullseye, which is then removed", async () => {
    const engine = await getEngine("local");
    const before = docker(["ps", "-aq", "--filter", "label=kura.role=base-layer-probe"]);
    const { base } = await readBasePackages(engine, imageOf(cronName), { layerAccess: "archive-api" });
    expect(base).toMatchObject({ source: "lowest-layer", image: "debian:bullseye", readVia: "archive-api" });
    if (base.source !== "lowest-layer") throw new Error("unreachable");
    expect(base.names.has("bash")).toBe(true);
    expect(base.names.has("cron")).toBe(false);
    expect(docker(["ps", "-aq", "--filter", "label=kura.role=base-layer-probe"])).toBe(before);
  });

  it("a lowest layer with no dpkg status is no plain OS: Debian's minimal set, and why", async () => {
    const engine = await getEngine("local");
    for (const layerAccess of ["auto", "archive-api"] as const) {
      const { base } = await readBasePackages(engine, imageOf(busyboxName), { layerAccess });
      expect(base).toEqual({ source: "minimal-set", why: "the lowest image layer has no /var/lib/dpkg/status (it is not a plain OS)" });
    }
  });

  it("never follows a symlink in the lowest layer's folder to the host: refused, said, and the minimal set used", async () => {
    const engine = await getEngine("local");
    const { base, warnings } = await readBasePackages(engine, imageOf(linkName));
    expect(base).toMatchObject({
      source: "minimal-set",
      why: expect.stringMatching(/^the lowest image layer's \/var\/lib\/dpkg\/status was refused/),
    });
    expect(warnings).toEqual([expect.objectContaining({ code: "not-a-regular-file", path: "/var/lib/dpkg/status" })]);
    // Through the engine the link resolves inside the image, where there is no /etc/passwd: no status, no plain OS.
    const viaEngine = await readBasePackages(engine, imageOf(linkName), { layerAccess: "archive-api" });
    expect(viaEngine.base).toMatchObject({ source: "minimal-set", why: expect.stringContaining("has no /var/lib/dpkg/status") });
  });

  it("reads nothing past the size limit, either way, and says so", async () => {
    const engine = await getEngine("local");
    for (const layerAccess of ["auto", "archive-api"] as const) {
      const file = await readLowestLayerFile(engine, imageOf(cronName), "/var/lib/dpkg/status", { maxBytes: 1024, layerAccess });
      expect(file).toMatchObject({
        read: false,
        why: "the lowest image layer's /var/lib/dpkg/status is over Kura's limit",
        warning: {
          code: "file-too-large",
          path: "/var/lib/dpkg/status",
          message: expect.stringContaining("over the 1 KiB Kura reads of it"),
        },
      });
    }
  });
});
