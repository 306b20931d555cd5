import { describe, expect, it } from "vitest";
import { nonDistributionBase, warnBaseNotArchived } from "./warn-base-not-archived";

const image = (base: { reference: string | null; id: string | null; distribution: boolean; contentListed?: boolean } | null) => ({
  image: {
    reference: "mycorp/app:2",
    id: "sha256:app",
    digest: null,
    size: null,
    base: base && { ...base, digest: null, layers: 3, foundBy: "local-image" },
  },
});

describe("warnBaseNotArchived", () => {
  it("warns when a restore leaves a non-distribution base for another image, not for a tag of the same base", () => {
    const manifest = image({ reference: "python:3.11", id: "sha256:py", distribution: false });
    expect(nonDistributionBase(manifest)).toBe("python:3.11");
    expect(warnBaseNotArchived(manifest, "debian:trixie")?.message).toMatch(/built FROM python:3\.11.*pick python:3\.11/);
    expect(warnBaseNotArchived(manifest, "python:3.13")).toBeNull();
  });

  it("says nothing for a distribution base, an unknown base, an old manifest or an image that is its own base", () => {
    expect(warnBaseNotArchived(image({ reference: "debian:bookworm", id: "sha256:deb", distribution: true }), "debian:trixie")).toBeNull();
    expect(warnBaseNotArchived(image({ reference: null, id: null, distribution: false }), "debian:trixie")).toBeNull();
    expect(warnBaseNotArchived(image(null), "debian:trixie")).toBeNull();
    // Its content archived on request: nothing of it is lost on another base.
    const listed = image({ reference: "python:3.11", id: "sha256:py", distribution: false, contentListed: true });
    expect(nonDistributionBase(listed)).toBeNull();
    expect(warnBaseNotArchived(listed, "debian:trixie")).toBeNull();
    expect(warnBaseNotArchived(image({ reference: "mycorp/app:2", id: "sha256:app", distribution: false }), "debian:trixie")).toBeNull();
  });
});
