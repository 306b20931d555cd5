import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { detectionInputsChanged } from "@/lib/changes/detection-inputs";
import { forgetKeptDetections, KEPT_DETECTIONS, loadChangeTree } from "./keep-detection";

// Kept detections are bounded (least recently used dropped first), survive ticks and go with a rule change.

const name = uniqueName("kura-it-kept");
const since = (i: number) => new Date(Date.UTC(2019, 0, 1, 0, 0, i)).toISOString();
const load = (i: number, extra: { fresh?: boolean; freshIfAtMost?: number } = {}) =>
  loadChangeTree({ engineId: "local", containerRef: name, options: { since: since(i), packageChecks: false }, caller: null, ...extra });

describe("kept detections", () => {
  beforeAll(() => {
    runContainer({ name, image: BUSYBOX });
    exec(name, ["sh", "-c", "mkdir -p /srv/app && echo one > /srv/app/a.txt"]);
    forgetKeptDetections();
  });
  afterAll(() => removeContainer(name));

  it("keeps at most KEPT_DETECTIONS, dropping the least recently used", async () => {
    const first = await load(0);
    expect(await load(0)).toBe(first);
    // The page names the container by its short id, scripts by its name: one kept detection.
    const byId = loadChangeTree({
      engineId: "local",
      containerRef: first.detection.container.id.slice(0, 12),
      options: { since: since(0), packageChecks: false },
      caller: null,
    });
    expect(await byId).toBe(first);
    const others = [];
    for (let i = 1; i <= KEPT_DETECTIONS; i++) others.push(await load(i));
    // The newest are still kept; the first (least recently used) was dropped and is detected again.
    expect(await load(KEPT_DETECTIONS)).toBe(others[KEPT_DETECTIONS - 1]);
    const again = await load(0);
    expect(again).not.toBe(first);
    expect(again.tree.totalEntries[0]).toBe(first.tree.totalEntries[0]);
  });

  it("survives a tick, goes with a rule change, and detects again when asked", async () => {
    const kept = await load(10);
    await detectionInputsChanged({ ticksOnly: true });
    expect(await load(10)).toBe(kept);
    expect(await load(10, { fresh: true })).not.toBe(kept);
    const current = await load(10);
    await detectionInputsChanged();
    expect(await load(10)).not.toBe(current);
    // A small detection is read anew when the caller says so (the summary does for whole lists).
    const small = await load(10);
    expect(await load(10, { freshIfAtMost: 1000 })).not.toBe(small);
  });
});
