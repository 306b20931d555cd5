import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { saveSelection } from "@/lib/changes/selection-store";
import { MAX_DETECTIONS, MAX_DETECTIONS_PER_CALLER, detectContainerChangesShared } from "./share-detection";

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
    const [withChecks, without] = await Promise.all([
      detectContainerChangesShared("local", name),
      detectContainerChangesShared("local", name, { packageChecks: false }),
    ]);
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

describe("bounded detections", () => {
  const bounded = uniqueName("kura-it-bounded");
  beforeAll(() => {
    runContainer({ name: bounded, image: BUSYBOX });
    exec(bounded, ["sh", "-c", "mkdir -p /srv/app && echo one > /srv/app/a.txt"]);
  });
  afterAll(() => removeContainer(bounded));

  it("refuses one caller's detection past MAX_DETECTIONS_PER_CALLER with 429, while identical requests still share", async () => {
    const since = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString();
    const calls = Array.from({ length: MAX_DETECTIONS_PER_CALLER + 1 }, (_, i) =>
      detectContainerChangesShared("local", bounded, { since: since(i) }, "viewer-a"),
    );
    const shared = Array.from({ length: 5 }, () => detectContainerChangesShared("local", bounded, { since: since(0) }, "viewer-a"));
    const other = detectContainerChangesShared("local", bounded, { since: since(59) }, "viewer-b");
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((result) => result.status === "fulfilled")).toHaveLength(MAX_DETECTIONS_PER_CALLER);
    const refused = settled.filter((result) => result.status === "rejected");
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ status: 429, code: "too_many_detections" });
    const sharedResults = await Promise.all(shared);
    expect(sharedResults.every((result) => result === sharedResults[0])).toBe(true);
    await expect(other).resolves.toBeTruthy();
    // Once they are done, the caller may start new ones.
    await expect(detectContainerChangesShared("local", bounded, { since: since(30) }, "viewer-a")).resolves.toBeTruthy();
  });

  it("refuses any detection past MAX_DETECTIONS in total", async () => {
    const since = (i: number) => new Date(Date.UTC(2021, 0, 1, 0, 0, i)).toISOString();
    const calls = Array.from({ length: MAX_DETECTIONS + 1 }, (_, i) =>
      detectContainerChangesShared("local", bounded, { since: since(i) }, `caller-${i}`),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((result) => result.status === "rejected")).toHaveLength(1);
  });
});
