import { describe, expect, it } from "vitest";
import { describeDetail, targetHref } from "./describe-event";

describe("describeDetail", () => {
  it("reads an archive event as labelled values, sizes as the archive pages print them", () => {
    expect(
      describeDetail({
        container: "kura-prof",
        engine: "local",
        keepSecrets: false,
        files: 10000,
        bytes: 1073741824,
        storedBytes: 668866819,
      }),
    ).toEqual([
      { label: "container", value: "kura-prof" },
      { label: "engine", value: "local" },
      { label: "keep secrets", value: "no" },
      { label: "files", value: "10,000" },
      { label: "bytes", value: "1.0 GB" },
      { label: "stored", value: "638 MB" },
    ]);
  });

  it("keeps lists, nulls and nested values readable", () => {
    expect(describeDetail({ corrupt: ["ab12", "cd34"], error: null, state: "failed", plan: { base: "debian:trixie" } })).toEqual([
      { label: "corrupt", value: "ab12, cd34" },
      { label: "error", value: "none" },
      { label: "state", value: "failed" },
      { label: "plan", value: '{"base":"debian:trixie"}' },
    ]);
  });
});

describe("targetHref", () => {
  it("links archives and restores, and nothing else", () => {
    expect(targetHref("archive:cmws2dnpy000cim7ddcj58kt4")).toBe("/archives/cmws2dnpy000cim7ddcj58kt4");
    expect(targetHref("restore:abc123")).toBe("/restores/abc123");
    expect(targetHref("archive:(refused)")).toBeNull();
    expect(targetHref("user:admin")).toBeNull();
    expect(targetHref("archive:../../etc")).toBeNull();
  });
});
