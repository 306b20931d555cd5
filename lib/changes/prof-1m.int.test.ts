import { it } from "vitest";
import { detectContainerChanges } from "@/lib/changes/detect-container-changes";
import { execFileSync } from "node:child_process";

it("profiles 1M", { timeout: 900_000 }, async () => {
  for (let run = 0; run < Number(process.env.PROF_RUNS ?? 2); run++) {
    let t = performance.now();
    execFileSync("docker", ["diff", "kura-prof-1m"], { maxBuffer: 1 << 30 });
    const diffMs = Math.round(performance.now() - t);
    t = performance.now();
    const detected = await detectContainerChanges("local", "kura-prof-1m", { packageChecks: false });
    const ms = Math.round(performance.now() - t);
    console.log(`PROF diff ${diffMs} detect ${ms} ratio ${(ms / diffMs).toFixed(2)} entries ${detected.entries.length}`, JSON.stringify(detected.timings));
  }
});
