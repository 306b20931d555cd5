import { describe, expect, it } from "vitest";
import { PACKAGES_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { packagesStageContextFiles } from "./packages-stage-context";

// Issue 15: the packages stage's build is sent only the files that stage copies in; anything it might read beyond them
// means the whole context.

const files = [
  { path: "kura/debconf-selections", content: "postfix postfix/mailname string mail.example.org\n", mode: 0o644 },
  { path: "kura/restore.sh", content: "#!/bin/sh\n", mode: 0o755 },
];
const dockerfile = (packagesLines: string[]) =>
  [
    `FROM debian:trixie AS ${PACKAGES_STAGE}`,
    ...packagesLines,
    "",
    `FROM ${PACKAGES_STAGE} AS kura-restore`,
    "COPY kura/ /kura/",
    "COPY payload/ /kura/stage/",
    "",
    `FROM ${PACKAGES_STAGE}`,
    "COPY captures/dump.sql /kura/convert/dump.sql",
  ].join("\n");

describe("packagesStageContextFiles", () => {
  it("gives the files the generated packages stage copies in, and none of the later stages'", () => {
    const stage = dockerfile([
      "COPY kura/debconf-selections /kura/debconf-selections",
      'RUN ["debconf-set-selections", "/kura/debconf-selections"]',
      "RUN apt-get update && apt-get install -y -- postgresql",
    ]);
    expect(packagesStageContextFiles(stage, PACKAGES_STAGE, files)).toEqual([files[0]]);
    expect(packagesStageContextFiles(dockerfile(["RUN apt-get update && apt-get install -y -- cron"]), PACKAGES_STAGE, files)).toEqual([]);
  });

  it("is null (the whole context) when the stage may read more", () => {
    for (const line of [
      "COPY payload/ /kura/stage/", // not a generated file
      "COPY kura/ /kura/", // a folder
      "COPY kura/debconf-* /kura/", // a wildcard
      "ADD kura/debconf-selections /kura/debconf-selections",
      'COPY ["kura/debconf-selections", "/kura/debconf-selections"]',
      "COPY --chown=1:1 kura/debconf-selections /kura/debconf-selections",
      "COPY kura/debconf-selections \\",
      "ONBUILD COPY . /app",
    ])
      expect(packagesStageContextFiles(dockerfile([line]), PACKAGES_STAGE, files), line).toBeNull();
    // No packages stage at all: nothing to trim.
    expect(packagesStageContextFiles("FROM debian:trixie\nRUN true\n", PACKAGES_STAGE, files)).toBeNull();
  });
});
