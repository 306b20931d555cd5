import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { detectContainerChangesShared } from "@/lib/changes/share-detection";
import { previewRuleSet } from "@/lib/rules/preview-rule-set";
import { DEFAULT_RULE_SET_ID } from "@/lib/rules/rule-set-store";

// The pattern below, previewed on a container holding one 49-character file name, held the server
// for 37 s (a backtracking regex). The preview must answer quickly and never stall the event loop.

const name = uniqueName("kura-it-redos");
const REDOS = "*?*?*?*?*?*?*?*?*?*?%";

describe("rule preview on hostile patterns", () => {
  beforeAll(() => {
    runContainer({ name, image: BUSYBOX });
    exec(name, [
      "sh",
      "-c",
      `mkdir -p /srv/app && echo x > /srv/app/${"a".repeat(49)} && for i in $(seq 1 300); do echo $i > /srv/app/f$i; done`,
    ]);
  });
  afterAll(() => removeContainer(name));

  it("previews the ReDoS pattern without backtracking, the event loop free meanwhile", async () => {
    // Detection first (its own time is the engine's), then the preview that shares it.
    const detecting = detectContainerChangesShared("local", name, { ruleSetId: DEFAULT_RULE_SET_ID, packageChecks: false });
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const start = performance.now();
    const rules = [
      { pattern: REDOS, action: "exclude" as const, note: "" },
      { pattern: `/srv/${"*a".repeat(40)}b/**`, action: "include" as const, note: "" },
    ];
    const preview = await previewRuleSet(DEFAULT_RULE_SET_ID, { engineId: "local", containerRef: name, rules });
    const elapsed = performance.now() - start;
    clearInterval(ticker);
    await detecting;
    expect(preview.rules[0]).toMatchObject({ pattern: REDOS, matched: 0 });
    expect(preview.included.entries).toBeGreaterThan(300);
    // The backtracking matcher held the loop for 37 s. The bounds leave room for a loaded machine (the elapsed time
    // includes the engine's detection; on 2 busy cores it took 1.9 s once) and still fail on any backtracking.
    expect(elapsed).toBeLessThan(10_000);
    expect(longestGap).toBeLessThan(2_000);
    // The matching alone, on the detected entries: milliseconds.
    const again = performance.now();
    await previewRuleSet(DEFAULT_RULE_SET_ID, { engineId: "local", containerRef: name, rules });
    console.log(
      `preview ${Math.round(elapsed)} ms (with detection), again ${Math.round(performance.now() - again)} ms, longest event-loop gap ${Math.round(longestGap)} ms`,
    );
  });
});
