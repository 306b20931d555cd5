import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

describe("safeNextPath", () => {
  it.each(["/overview", "/archives/abc123", "/engines/local/containers/web?view=data", "/audit?actor=ann#top"])(
    "keeps the local path %s",
    (path) => {
      expect(safeNextPath(path)).toBe(path);
    },
  );
  it.each([
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "overview",
    "/\t/evil.example",
    "/a\\b",
  ])("refuses %s", (path) => {
    expect(safeNextPath(path)).toBeNull();
  });
  it("refuses the sign-in and setup pages, which would loop", () => {
    expect(safeNextPath("/sign-in")).toBeNull();
    expect(safeNextPath("/sign-in?next=/archives")).toBeNull();
    expect(safeNextPath("/setup?token=x")).toBeNull();
    expect(safeNextPath("/sign-in-help")).toBe("/sign-in-help");
  });
  it("refuses nothing given", () => {
    expect(safeNextPath(null)).toBeNull();
    expect(safeNextPath(undefined)).toBeNull();
    expect(safeNextPath("")).toBeNull();
  });
});
