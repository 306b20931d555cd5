import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { saveSelection } from "@/lib/changes/selection-store";
import { detectContainerChangesShared } from "./share-detection";

// Concurrent identical requests for a container's changes share one detection, and a selection
// saved meanwhile is never hidden from requests made after it.

const name = uniqueName("kura-it-shared");

describe("shared detections", () => {
  beforeAll(() => {
    runContainer({ name, image: BUSYBOX });
    exec(name, ["sh", "-c", "mkdir -p /srv/app && echo one > /srv/app/a.txt && echo two > /srv/app/b.txt"]);
  });
  afterAll(() => removeContainer(name));

  it("hands concurrent identical requests the same detection, and starts afresh once it is done", async () => {
    const [first, second] = await Promise.all([detectContainerChangesShared("local", name), detectContainerChangesShared("local", name)]);
    expect(second).toBe(first);
    expect(first.entries.find((entry) => entry.path === "/srv/app/a.txt")).toMatchObject({ selected: true });
    const later = await detectContainerChangesShared("local", name);
    expect(later).not.toBe(first);
    // Different options are a different detection.
    const [withChecks, without] = await Promise.all([detectContainerChangesShared("local", name), detectContainerChangesShared("local", name, { packageChecks: false })]);
    expect(without).not.toBe(withChecks);
  });

  it("does not hand a detection started before a selection change to a request made after it", async () => {
    const container = await inspectContainer(await getEngine("local"), name);
    const before = detectContainerChangesShared("local", name);
    await saveSelection("local", container.id, { overrides: [{ path: "/srv/app/b.txt", selected: false }] }, "tester");
    const after = detectContainerChangesShared("local", name);
    expect(after).not.toBe(before);
    expect((await after).entries.find((entry) => entry.path === "/srv/app/b.txt")).toMatchObject({ selected: false });
    await before;
    await saveSelection("local", container.id, { overrides: [] }, "tester");
  });
});
