import { describe, expect, it } from "vitest";
import { mapLimit } from "./map-limit";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("mapLimit", () => {
  it("keeps the items' order whatever order the calls end in", async () => {
    const out = await mapLimit([30, 5, 20, 1], 4, async (ms, index) => {
      await tick(ms);
      return `${index}:${ms}`;
    });
    expect(out).toEqual(["0:30", "1:5", "2:20", "3:1"]);
  });

  it("never has more than `limit` calls in flight", async () => {
    let inFlight = 0;
    let most = 0;
    await mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick(2);
        inFlight -= 1;
      },
    );
    expect(most).toBe(3);
  });

  it("rejects with the first error and starts no new call after it", async () => {
    const started: number[] = [];
    await expect(
      mapLimit([0, 1, 2, 3, 4, 5], 1, async (item) => {
        started.push(item);
        if (item === 2) throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([0, 1, 2]);
  });

  it("answers an empty list at once", async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
