import { describe, expect, it } from "vitest";
import { formatSaving, fullImageBytes, savingPercent } from "./saving";

describe("saving", () => {
  it("counts the image and the data the service wrote as the full image", () => {
    expect(fullImageBytes({ imageBytes: 649_000_000, bytes: 2_000_000 })).toBe(651_000_000);
    expect(fullImageBytes({ imageBytes: null, bytes: 5 })).toBeNull();
    expect(fullImageBytes({ imageBytes: 0, bytes: 5 })).toBeNull();
  });

  it("reads as a percentage, 'none' when the archive is not smaller, '–' when unknown", () => {
    expect(formatSaving(savingPercent(27_163, 651_000_000))).toBe("100.0%");
    expect(formatSaving(savingPercent(500, 1000))).toBe("50.0%");
    expect(savingPercent(9_300_000_000, 190_000_000)).toBeLessThan(0);
    expect(formatSaving(savingPercent(9_300_000_000, 190_000_000))).toBe("none");
    expect(formatSaving(savingPercent(1, null))).toBe("–");
  });
});
