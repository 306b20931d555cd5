import { describe, expect, it } from "vitest";
import { cleanStep, stepsFromHistory } from "@/lib/docker/inspect-image-layers";
import { findDistributionRoot, findImageBase, isDistributionImage } from "./find-image-base";

const image = {
  id: "sha256:app",
  diffIds: ["a", "b", "c", "d"],
  steps: [null, "RUN apt-get install nginx", "COPY file:1 in /opt/app/", "RUN rm x"],
};

describe("findImageBase", () => {
  it("takes the engine's image with the longest proper prefix of the layers, a distribution's tag first", () => {
    const base = findImageBase(image, [
      { id: "sha256:deb", tags: ["mycorp/base:1", "debian:bookworm"], digest: "debian@sha256:1", diffIds: ["a"] },
      { id: "sha256:mid", tags: ["mycorp/nginx:1"], digest: null, diffIds: ["a", "b"] },
      { id: "sha256:other", tags: ["other:1"], digest: null, diffIds: ["x", "b"] },
      { id: "sha256:app", tags: ["app:1"], digest: null, diffIds: ["a", "b", "c", "d"] },
    ]);
    expect(base).toMatchObject({ reference: "mycorp/nginx:1", layers: 2, distribution: false, foundBy: "local-image" });
    expect(
      findImageBase(image, [{ id: "sha256:deb", tags: ["mycorp/base:1", "debian:bookworm"], digest: null, diffIds: ["a"] }]),
    ).toMatchObject({
      reference: "debian:bookworm",
      distribution: true,
      layers: 1,
    });
  });

  it("falls back to the history's last root filesystem step, then to the lowest layer", () => {
    const steps = ["ADD file:abc in / ", "RUN apt-get install python3", "ADD file:def in / ", "COPY file:1 in /app/"];
    expect(findImageBase({ ...image, steps }, [])).toMatchObject({ layers: 3, foundBy: "history", reference: null });
    expect(findImageBase(image, [])).toMatchObject({ layers: 1, foundBy: "lowest-layer" });
  });

  it("finds the distribution root below a base that is not a distribution's (its content archived on request)", () => {
    const candidates = [
      { id: "sha256:deb", tags: ["debian:bookworm"], digest: null, diffIds: ["a"] },
      { id: "sha256:mid", tags: ["mycorp/nginx:1"], digest: null, diffIds: ["a", "b"] },
    ];
    expect(findDistributionRoot(image, candidates, 2)).toBe(1);
    // No local distribution image: the last root filesystem step below the base, else the lowest layer.
    const steps = ["ADD file:abc in / ", "ADD file:def in / ", "RUN make install", "COPY file:1 in /app/"];
    expect(findDistributionRoot({ ...image, steps }, [candidates[1]!], 3)).toBe(2);
    expect(findDistributionRoot({ ...image, steps }, [], 1)).toBe(1);
    expect(findDistributionRoot(image, [], 3)).toBe(1);
    // A distribution image longer than the base does not count.
    expect(findDistributionRoot(image, [{ id: "x", tags: ["debian:x"], digest: null, diffIds: ["a", "b", "c"] }], 2)).toBe(1);
  });

  it("names distribution images", () => {
    expect(isDistributionImage("docker.io/library/debian:bookworm")).toBe(true);
    expect(isDistributionImage("ubuntu")).toBe(true);
    expect(isDistributionImage("python:3.11")).toBe(false);
    expect(isDistributionImage("registry:5000/debian-custom:1")).toBe(false);
  });
});

describe("steps from the image history", () => {
  it("maps steps that make a layer to the layers, lowest first, cleaned", () => {
    const history = [
      { CreatedBy: '/bin/sh -c #(nop)  CMD ["sleep" "infinity"]', Size: 0 },
      { CreatedBy: "/bin/sh -c rm /etc/nginx/sites-enabled/default", Size: 0 },
      { CreatedBy: "/bin/sh -c #(nop) COPY file:3c7c in /etc/nginx/conf.d/ ", Size: 87 },
      { CreatedBy: "/bin/sh -c #(nop)  ENV A=b", Size: 0 },
      { CreatedBy: "RUN /bin/sh -c apt-get update # buildkit", Size: 10 },
      { CreatedBy: "", Size: 199 },
    ];
    expect(stepsFromHistory(history, 4)).toEqual([
      null,
      "RUN apt-get update",
      "COPY file:3c7c in /etc/nginx/conf.d/",
      "RUN rm /etc/nginx/sites-enabled/default",
    ]);
    expect(stepsFromHistory(history, 5)).toEqual([null, null, null, null, null]);
    expect(cleanStep("COPY app.py /opt/app/ # buildkit")).toBe("COPY app.py /opt/app/");
  });
});

describe("chain IDs", () => {
  it("are the lowest diffID, then the SHA-256 of the previous chain ID, a space and the diffID", async () => {
    const { chainIds } = await import("@/lib/docker/read-opaque-folders");
    const { createHash } = await import("node:crypto");
    const a = `sha256:${"a".repeat(64)}`;
    const b = `sha256:${"b".repeat(64)}`;
    expect(chainIds([a, b])).toEqual([a, `sha256:${createHash("sha256").update(`${a} ${b}`).digest("hex")}`]);
  });
});
