import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ManifestEntry } from "@/lib/archives/manifest";
import type { PackageStageFacts, StagePackage } from "@/lib/restores/package-stage/types";
import { mergeThreeWay, planConfigMerges, wantedStageFiles } from "./plan-config-merges";

const sha256Text = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

// Real file versions, copied out of debian:bullseye and debian:trixie (docker run --rm --network none IMAGE cat FILE):
// /etc/login.defs (login 1:4.8.1 -> shadow's login.defs 1:4.17) and /etc/bash.bashrc.
const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", "config-merge", name), "utf8");
const oldDefs = fixture("bullseye-login.defs");
const newDefs = fixture("trixie-login.defs");

const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  path: "/etc/login.defs",
  type: "file",
  mode: 0o644,
  uid: 0,
  gid: 0,
  user: "root",
  group: "root",
  size: 1,
  mtime: null,
  linkTarget: null,
  sha256: "a".repeat(64),
  source: "layer",
  category: "config",
  package: "login",
  conffile: "dpkg",
  pristineSha256: "b".repeat(64),
  ...over,
});

const pkg = (name: string, conffiles: string[]): StagePackage => ({
  name,
  version: "1:4.17.4-2",
  conffiles: conffiles.map((file) => ({ path: file, md5: "0".repeat(32), obsolete: false, removeOnUpgrade: false })),
  files: conffiles,
  maintscripts: {},
  news: null,
});

const stage = (files: Record<string, string | null>, packages: StagePackage[] = [pkg("login.defs", ["/etc/login.defs"])]) =>
  ({
    imageId: "sha256:stage",
    packages: Object.fromEntries(packages.map((p) => [p.name, p])),
    files,
    // As read-package-stage.ts computes them.
    fileSha256: Object.fromEntries(Object.entries(files).flatMap(([file, text]) => (text === null ? [] : [[file, sha256Text(text)]]))),
  }) satisfies PackageStageFacts;

describe("planConfigMerges", () => {
  it("applies the admin's edit (PASS_MAX_DAYS 90) onto trixie's login.defs: the rest is the new default", () => {
    const edited = oldDefs.replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t90");
    const [merge] = planConfigMerges({
      entries: [entry()],
      texts: { "/etc/login.defs": { edited, pristine: oldDefs } },
      stage: stage({ "/etc/login.defs": newDefs }),
    });
    expect(merge).toMatchObject({ status: "merged", package: "login", newPackage: "login.defs", conflict: null });
    expect(merge!.result).toBe(newDefs.replace("PASS_MAX_DAYS\t99999", "PASS_MAX_DAYS\t90"));
    // Lines the admin never touched take the new default (bullseye's SHA512 becomes trixie's YESCRYPT).
    expect(merge!.result).toContain("ENCRYPT_METHOD YESCRYPT");
    expect(merge!.result).not.toContain("FAILLOG_ENAB");
  });

  it("reports a conflict when the admin changed a line the new default changed too (ENCRYPT_METHOD)", () => {
    const edited = oldDefs.replace("ENCRYPT_METHOD SHA512", "ENCRYPT_METHOD SHA256");
    const [merge] = planConfigMerges({
      entries: [entry()],
      texts: { "/etc/login.defs": { edited, pristine: oldDefs } },
      stage: stage({ "/etc/login.defs": newDefs }),
    });
    expect(merge!.status).toBe("conflict");
    expect(merge!.result).toBeNull();
    const conflict = merge!.conflict!;
    expect(conflict.newDefaultSha256).toBe(sha256Text(newDefs));
    expect(
      conflict.hunks.some((hunk) => hunk.edited.includes("ENCRYPT_METHOD SHA256") && hunk.newDefault.includes("ENCRYPT_METHOD YESCRYPT")),
    ).toBe(true);
    expect(conflict.withMarkers).toContain("<<<<<<< admin's edit (archived)\n");
    expect(conflict.withMarkers).toContain(">>>>>>> new default");
    expect([conflict.pristine, conflict.edited, conflict.newDefault]).toEqual([oldDefs, edited, newDefs]);
  });

  it("uses a saved resolution for that path and that new default only", () => {
    const edited = oldDefs.replace("ENCRYPT_METHOD SHA512", "ENCRYPT_METHOD SHA256");
    const resolved = newDefs.replace("ENCRYPT_METHOD YESCRYPT", "ENCRYPT_METHOD SHA256");
    const plan = (newDefault: string) =>
      planConfigMerges({
        entries: [entry()],
        texts: { "/etc/login.defs": { edited, pristine: oldDefs } },
        stage: stage({ "/etc/login.defs": newDefault }),
        resolutions: [{ path: "/etc/login.defs", newDefaultSha256: sha256Text(newDefs), text: resolved }],
      })[0]!;
    expect(plan(newDefs)).toMatchObject({ status: "resolved", result: resolved });
    // Another new default (a later package version): the old resolution no longer applies.
    expect(plan(`${newDefs}# changed again\n`).status).toBe("conflict");
  });

  it("takes the new default when the admin did not change the file, and keeps the edit when the default did not change", () => {
    const unchanged = planConfigMerges({
      entries: [entry()],
      texts: { "/etc/login.defs": { edited: oldDefs, pristine: oldDefs } },
      stage: stage({ "/etc/login.defs": newDefs }),
    })[0]!;
    expect(unchanged).toMatchObject({ status: "unchanged-by-admin", result: newDefs });
    const bashrc = fixture("bullseye-bash.bashrc");
    const edited = `${bashrc}alias ll='ls -l'\n`;
    const same = planConfigMerges({
      entries: [entry({ path: "/etc/bash.bashrc", package: "bash" })],
      texts: { "/etc/bash.bashrc": { edited, pristine: bashrc } },
      stage: stage({ "/etc/bash.bashrc": bashrc }, [pkg("bash", ["/etc/bash.bashrc"])]),
    })[0]!;
    expect(same).toMatchObject({ status: "merged", result: edited });
  });

  it("merges the admin's alias onto trixie's bash.bashrc, which changed other lines", () => {
    const bashrc = fixture("bullseye-bash.bashrc");
    const edited = `${bashrc}alias ll='ls -l'\n`;
    const [merge] = planConfigMerges({
      entries: [entry({ path: "/etc/bash.bashrc", package: "bash" })],
      texts: { "/etc/bash.bashrc": { edited, pristine: bashrc } },
      stage: stage({ "/etc/bash.bashrc": fixture("trixie-bash.bashrc") }, [pkg("bash", ["/etc/bash.bashrc"])]),
    });
    expect(merge).toMatchObject({ status: "merged", result: `${fixture("trixie-bash.bashrc")}alias ll='ls -l'\n` });
  });

  it("keeps a file as is, saying why: no pristine version, not shipped any more, not text", () => {
    const texts = { "/etc/login.defs": { edited: "x\n", pristine: "y\n" } };
    const noPristine = planConfigMerges({
      entries: [entry({ pristineSha256: null, pristineWhy: "the image's layers below the edit do not hold it" })],
      texts,
      stage: stage({ "/etc/login.defs": newDefs }),
    })[0]!;
    expect(noPristine).toMatchObject({ status: "kept-as-is", result: null });
    expect(noPristine.reason).toContain("the image's layers below the edit do not hold it");
    const older = planConfigMerges({
      entries: [entry({ pristineSha256: undefined })],
      texts,
      stage: stage({ "/etc/login.defs": newDefs }),
    })[0]!;
    expect(older.reason).toContain("before Kura kept pristine versions");
    const gone = planConfigMerges({ entries: [entry()], texts, stage: stage({}, []) })[0]!;
    expect(gone).toMatchObject({ status: "kept-as-is", newPackage: null });
    expect(gone.reason).toContain("no new package ships it");
    const binary = planConfigMerges({
      entries: [entry()],
      texts: { "/etc/login.defs": { edited: null, pristine: "y\n" } },
      stage: stage({ "/etc/login.defs": newDefs }),
    })[0]!;
    expect(binary).toMatchObject({ status: "kept-as-is" });
    expect(binary.reason).toContain("only text files are merged");
  });

  it("calls a configuration file no package ships a new file, and asks the stage only for conffiles", () => {
    const added = entry({ path: "/etc/logrotate.d/myapp", package: undefined, conffile: undefined, pristineSha256: undefined });
    const merges = planConfigMerges({
      entries: [entry(), added],
      texts: { "/etc/login.defs": { edited: oldDefs, pristine: oldDefs } },
      stage: stage({ "/etc/login.defs": newDefs }),
    });
    expect(merges.map((merge) => [merge.path, merge.status])).toEqual([
      ["/etc/login.defs", "unchanged-by-admin"],
      ["/etc/logrotate.d/myapp", "new-file"],
    ]);
    expect(wantedStageFiles([entry(), added])).toEqual(["/etc/login.defs"]);
  });
});

describe("mergeThreeWay", () => {
  it("keeps the final newline and merges changes on both sides in different places", () => {
    expect(mergeThreeWay("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n")).toEqual({ merged: "A\nb\nC\n" });
  });
});
