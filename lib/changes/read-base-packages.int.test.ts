import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, docker, removeContainer, uniqueName } from "@/e2e/fixtures/containers";
import { CRON_IMAGE, ensureCron } from "@/e2e/fixtures/cron";
import { testLabelArgs } from "@/e2e/harness/engine.mjs";
import { getEngine } from "@/lib/engines/engine-registry";
import { readBasePackages } from "./read-base-packages";

// The original base's own package list, read from the container's lowest image layer on the real engine: from the
// layer's folder (local overlay2), and through a created container of the single-layer image (what remote engines
// get). A container whose lowest layer is no plain OS falls back to Debian's minimal set, and says why.

const cronName = uniqueName("kura-it-base-cron");
const busyboxName = uniqueName("kura-it-base-busybox");

const create = (name: string, image: string) => docker(["create", "--network", "none", ...testLabelArgs(), "--name", name, image, "true"]);

describe("readBasePackages", () => {
  beforeAll(() => {
    ensureCron();
    create(cronName, CRON_IMAGE);
    create(busyboxName, BUSYBOX);
  }, 600_000);
  afterAll(() => {
    removeContainer(cronName);
    removeContainer(busyboxName);
  });

  it("reads debian:bullseye's own list from the lowest layer's folder: bash is there, cron (installed on top) is not", async () => {
    const engine = await getEngine("local");
    const { base, warnings } = await readBasePackages(engine, cronName);
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
    const { base } = await readBasePackages(engine, cronName, { layerAccess: "archive-api" });
    expect(base).toMatchObject({ source: "lowest-layer", image: "debian:bullseye", readVia: "archive-api" });
    if (base.source !== "lowest-layer") throw new Error("unreachable");
    expect(base.names.has("bash")).toBe(true);
    expect(base.names.has("cron")).toBe(false);
    expect(docker(["ps", "-aq", "--filter", "label=kura.role=base-layer-probe"])).toBe(before);
  });

  it("a lowest layer with no dpkg status is no plain OS: Debian's minimal set, and why", async () => {
    const engine = await getEngine("local");
    for (const layerAccess of ["auto", "archive-api"] as const) {
      const { base } = await readBasePackages(engine, busyboxName, { layerAccess });
      expect(base).toEqual({ source: "minimal-set", why: "the lowest image layer has no /var/lib/dpkg/status (it is not a plain OS)" });
    }
  });
});
