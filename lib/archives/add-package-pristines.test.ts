import { describe, expect, it } from "vitest";
import type { PristineRead } from "@/lib/archives/read-pristine-conffiles";
import type { EngineConnection } from "@/lib/docker/types";
import { addPackagePristines, type AddPackagePristinesOptions } from "./add-package-pristines";

// The paths that never reach a build: turned off, another package manager, a package that is not installed, or
// nothing missing. (The fetch itself runs against the real engine: archive-package-pristines.int.test.ts.)

const engine = { id: "no-engine" } as unknown as EngineConnection;
const crontab = {
  key: "layer:/etc/crontab",
  path: "/etc/crontab",
  conffile: { package: "cron", kind: "dpkg" as const, digest: "0".repeat(32) },
};
const options = (overrides: Partial<AddPackagePristinesOptions> = {}): AddPackagePristinesOptions => ({
  enabled: true,
  packageManager: "dpkg",
  packages: [],
  signal: new AbortController().signal,
  progress: () => undefined,
  ...overrides,
});
const missing = (): Map<string, PristineRead> =>
  new Map([[crontab.key, { content: null, why: "the image's layers below the edit do not hold it" }]]);

describe("addPackagePristines without a fetch", () => {
  it("says the fetch was turned off for the archive, and warns of nothing", async () => {
    const pristine = missing();
    expect(await addPackagePristines(engine, "sha256:x", [crontab], pristine, options({ enabled: false }))).toBeNull();
    expect(pristine.get(crontab.key)).toEqual({
      content: null,
      why: "the image's layers below the edit do not hold it; fetching it from its package was turned off for this archive",
    });
  });

  it("leaves other package managers and found pristines alone", async () => {
    const pristine = missing();
    expect(await addPackagePristines(engine, "sha256:x", [crontab], pristine, options({ packageManager: "rpm" }))).toBeNull();
    expect(pristine.get(crontab.key)?.why).toBe("the image's layers below the edit do not hold it");
    const found = new Map<string, PristineRead>([[crontab.key, { content: Buffer.from("x"), why: "from the container's image" }]]);
    expect(await addPackagePristines(engine, "sha256:x", [crontab], found, options())).toBeNull();
    expect(found.get(crontab.key)?.why).toBe("from the container's image");
  });

  it("says why when the owner is not an installed package", async () => {
    const pristine = missing();
    expect(await addPackagePristines(engine, "sha256:x", [crontab], pristine, options())).toBeNull();
    expect(pristine.get(crontab.key)?.why).toBe(
      "the image's layers below the edit do not hold it; not fetched from its package: cron is not an installed package",
    );
  });
});
