import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { AppError } from "@/lib/api/app-error";
import { runProbe } from "@/lib/docker/run-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { checkAvailablePackages, inspectBaseImage } from "./inspect-base-image";

// Probe containers run Kura's own command: a base image whose ENTRYPOINT would fail (and says so)
// still gets planned, the probes are removed, and a probe that hangs is killed at its time limit.

const image = `kura-test/hostile-entrypoint:${uniqueName("probe").toLowerCase()}`;
const leftovers = () => docker(["ps", "-a", "-q", "--filter", `ancestor=${image}`]);

describe("probe containers", () => {
  beforeAll(() => {
    const created = docker(["create", "--network", "none", "--label", "kura.test=1", TRIXIE, "true"]);
    docker([
      "commit",
      "--change",
      'ENTRYPOINT ["/bin/sh", "-c", "echo the image entrypoint ran >&2; exit 1"]',
      "--change",
      'CMD ["sleep", "infinity"]',
      created,
      image,
    ]);
    docker(["rm", "-f", created]);
  });

  afterAll(() => {
    for (const id of leftovers().split("\n").filter(Boolean)) docker(["rm", "-f", id]);
    docker(["rmi", "-f", image]);
  });

  it("reads the base image's facts and asks its repositories without running its ENTRYPOINT or CMD", async () => {
    const engine = await getEngine("local");
    const facts = await inspectBaseImage(engine, image);
    expect(facts.os).toMatchObject({ id: "debian", versionCodename: "trixie" });
    expect(facts.installedPackages).toHaveProperty("dpkg");
    // Kura's apt probe replaces the entrypoint, which would exit 1 at once; on the build network it answers.
    const available = await checkAvailablePackages(engine, facts, ["hello", "kura-no-such-package"]);
    expect(available).not.toBeNull();
    expect(available).toHaveProperty("hello");
    expect(available).not.toHaveProperty("kura-no-such-package");
    expect(leftovers()).toBe("");
  }, 180_000);

  it("kills and removes a probe that outlives its time limit, with a clear error", async () => {
    const engine = await getEngine("local");
    const started = Date.now();
    const probing = runProbe(engine, {
      image,
      argv: ["/bin/sleep", "600"],
      networkMode: "none",
      timeoutMs: 3000,
      purpose: "sleeping for the test",
    });
    const error = await probing.then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      status: 504,
      code: "probe_timeout",
      message: expect.stringMatching(/^Kura gave up sleeping for the test after 3 s/),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(leftovers()).toBe("");
  }, 60_000);

  it("returns the probe's own exit code and output, on no network", async () => {
    const engine = await getEngine("local");
    const result = await runProbe(engine, {
      image,
      argv: ["/bin/sh", "-c", 'cat /proc/net/dev; echo "args: $*"; exit 7', "probe", "-x", "a b"],
      networkMode: "none",
      timeoutMs: 30_000,
      purpose: "testing",
    });
    expect(result.exitCode).toBe(7);
    expect(result.output).toContain("args: -x a b");
    expect(result.output).not.toContain("entrypoint ran");
    expect(
      result.output
        .split("\n")
        .filter((line) => /^\s*[a-z0-9]+:\s+\d+/.test(line))
        .map((line) => line.trim().split(":")[0]),
    ).toEqual(["lo"]);
    expect(leftovers()).toBe("");
  }, 60_000);
});
