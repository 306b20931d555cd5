import { describe, expect, it } from "vitest";
import { defaultBaseImage, findReleaseImage, parseImageReference, releaseRank } from "@/lib/restores/plan/choose-base-image";

const bullseye = { id: "debian", versionId: "11", versionCodename: "bullseye" };

describe("defaultBaseImage", () => {
  it("picks the newest local image of the same distribution, by codename or number", () => {
    expect(defaultBaseImage(bullseye, ["debian:bookworm", "debian:trixie", "ubuntu:noble", "debian:bullseye", "kura/samba:1"])).toBe(
      "debian:trixie",
    );
    expect(defaultBaseImage(bullseye, ["debian:12", "debian:13-slim", "debian:bookworm-slim"])).toBe("debian:13-slim");
    expect(defaultBaseImage(bullseye, ["debian:trixie-slim", "debian:13", "debian:trixie"])).toBe("debian:13");
    expect(defaultBaseImage(bullseye, ["debian:sid", "debian:forky", "debian:trixie"])).toBe("debian:sid");
    expect(defaultBaseImage(bullseye, ["docker.io/library/debian:trixie-20250811-slim", "debian:bookworm"])).toBe(
      "docker.io/library/debian:trixie-20250811-slim",
    );
  });

  it("never goes back to an older release, and ignores aliases and other repositories", () => {
    expect(
      defaultBaseImage({ id: "debian", versionId: "12", versionCodename: "bookworm" }, [
        "debian:bullseye",
        "debian:latest",
        "debian:stable",
        "myorg/debian:trixie",
      ]),
    ).toBe("debian:latest");
    expect(defaultBaseImage({ id: "debian", versionId: "12", versionCodename: "bookworm" }, ["debian:bookworm"])).toBe("debian:bookworm");
  });

  it("falls back to the original image's repository, else the distribution's official one, else null", () => {
    expect(defaultBaseImage(bullseye, [], "registry.local:5000/debian:bullseye")).toBe("registry.local:5000/debian:latest");
    expect(defaultBaseImage(bullseye, [], "debian@sha256:abcd")).toBe("debian:latest");
    expect(defaultBaseImage(bullseye, [], "kura/samba:1")).toBe("debian:latest");
    expect(
      defaultBaseImage({ id: "ubuntu", versionId: "22.04", versionCodename: "jammy" }, ["ubuntu:20.04", "ubuntu:24.04", "ubuntu:noble"]),
    ).toBe("ubuntu:24.04");
    expect(defaultBaseImage({ id: "alpine", versionId: "3.19.1", versionCodename: null }, ["alpine:3.20"])).toBeNull();
    expect(defaultBaseImage(null, ["debian:trixie"])).toBeNull();
  });
});

describe("parseImageReference and releaseRank", () => {
  it("normalise references and order releases", () => {
    expect(parseImageReference("docker.io/library/debian:trixie")).toEqual({ repository: "debian", tag: "trixie" });
    expect(parseImageReference("localhost:5000/debian")).toEqual({ repository: "localhost:5000/debian", tag: "latest" });
    expect(parseImageReference("<none>:<none>")).toBeNull();
    expect(releaseRank("debian", "buster")).toBeLessThan(releaseRank("debian", "bullseye") ?? 0);
    expect(releaseRank("debian", "13.1-slim")).toBe(13);
    expect(releaseRank("debian", "stable")).toBeNull();
    expect(releaseRank("ubuntu", "24.10")).toBeGreaterThan(releaseRank("ubuntu", "noble") ?? 99);
  });
});

describe("findReleaseImage", () => {
  it("finds a local image of exactly the archived release, plain tags first", () => {
    expect(findReleaseImage(bullseye, ["debian:trixie", "debian:bullseye-slim", "debian:bullseye", "debian:bookworm"])).toBe(
      "debian:bullseye",
    );
    expect(findReleaseImage(bullseye, ["debian:11-slim", "debian:trixie"])).toBe("debian:11-slim");
  });
  it("is null when the engine has none, or the release is unknown", () => {
    expect(findReleaseImage(bullseye, ["debian:trixie", "ubuntu:bullseye"])).toBeNull();
    expect(findReleaseImage({ ...bullseye, versionCodename: null, versionId: null }, ["debian:bullseye"])).toBeNull();
    expect(findReleaseImage(null, ["debian:bullseye"])).toBeNull();
  });
});
