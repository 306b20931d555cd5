import { describe, expect, it } from "vitest";
import type { Manifest } from "@/lib/archives/manifest";
import { MASK } from "@/lib/containers/mask-env";
import type { MergeConflicts, RestorePlanView, RestoreView } from "@/lib/restores/types";
import { maskManifestFor, maskMergeConflictsFor, maskPlanFor, maskRestoreFor } from "./mask-for-role";

const env: Manifest["config"]["env"] = [
  { name: "DB_PASSWORD", value: "hunter2", redacted: false },
  { name: "LANG", value: "C.UTF-8", redacted: false },
  { name: "API_TOKEN", value: null, redacted: true },
];
const manifest = { config: { env } } as unknown as Manifest;
const dockerfile = 'FROM debian:trixie\nENV DB_PASSWORD="hunter2"\nENV LANG=C.UTF-8';

describe("what a viewer sees of kept secrets", () => {
  it("masks kept secret values in the manifest for viewers only", () => {
    const viewer = maskManifestFor("viewer", manifest).config.env;
    expect(viewer[0]).toEqual({ name: "DB_PASSWORD", value: MASK, redacted: false, masked: true });
    expect(viewer[1]).toEqual(env[1]);
    expect(viewer[2]).toEqual(env[2]);
    expect(maskManifestFor("operator", manifest).config.env[0]!.value).toBe("hunter2");
    expect(maskManifestFor("admin", manifest).config.env[0]!.value).toBe("hunter2");
  });

  it("masks debconf answers to secret-looking questions in the manifest for viewers only", () => {
    const debconf: Manifest["debconf"] = [
      { package: "app", question: "app/api-key", type: "string", value: "k-123" },
      { package: "postfix", question: "postfix/mailname", type: "string", value: "mail.example.org" },
      { package: "slapd", question: "slapd/password1", type: "password", value: null },
    ];
    const withAnswers = { config: { env }, debconf } as unknown as Manifest;
    expect(maskManifestFor("viewer", withAnswers).debconf.map((answer) => answer.value)).toEqual([MASK, "mail.example.org", null]);
    expect(maskManifestFor("operator", withAnswers).debconf[0]!.value).toBe("k-123");
  });

  it("masks the plan's Dockerfile and a restore's Dockerfile, diff and log for viewers only", () => {
    const plan = { dockerfile } as RestorePlanView;
    expect(maskPlanFor("viewer", plan).dockerfile).not.toContain("hunter2");
    expect(maskPlanFor("operator", plan).dockerfile).toContain("hunter2");
    const log = 'Step 2/3 : ENV DB_PASSWORD="hunter2"';
    const restore = { dockerfile, dockerfileDiff: '+ENV DB_PASSWORD="hunter2"', log } as RestoreView;
    const shown = maskRestoreFor("viewer", restore);
    expect(JSON.stringify(shown)).not.toContain("hunter2");
    expect(shown.dockerfile).toContain("ENV LANG=C.UTF-8");
    expect(JSON.stringify(maskRestoreFor("operator", restore))).toContain("hunter2");
  });

  it("shows viewers which lines a versioned-path rewrite changed, not what they say", () => {
    const line = {
      line: 3,
      before: "dsn = pgsql:/var/run/postgresql/13 password=hunter2",
      after: "dsn = pgsql:/var/run/postgresql/17 password=hunter2",
    };
    const rewrites = [{ path: "/etc/app.ini", lines: [line] }];
    const plan = { dockerfile, pathMappings: { mappings: [], rewrites } } as unknown as RestorePlanView;
    expect(JSON.stringify(maskPlanFor("viewer", plan))).not.toContain("hunter2");
    expect(maskPlanFor("viewer", plan).pathMappings?.rewrites[0]?.lines[0]?.line).toBe(3);
    expect(JSON.stringify(maskPlanFor("operator", plan))).toContain("hunter2");
    const restore = { dockerfile, dockerfileDiff: "", rewrites } as unknown as RestoreView;
    expect(JSON.stringify(maskRestoreFor("viewer", restore))).not.toContain("hunter2");
  });
});

describe("what a viewer sees of a configuration merge conflict", () => {
  const conflicts: MergeConflicts = {
    known: true,
    conflicts: [
      {
        path: "/etc/redis/redis.conf",
        package: "redis-server",
        newPackage: "redis-server",
        status: "resolved",
        reason: "a person resolved it",
        pristine: "# requirepass foobared\n",
        edited: "requirepass hunter2\n",
        newDefault: "# requirepass foobared\n# new\n",
        newDefaultSha256: "0".repeat(64),
        hunks: [{ line: 1, pristine: ["# requirepass foobared"], edited: ["requirepass hunter2"], newDefault: ["# new"] }],
        withMarkers: "<<<<<<< admin's edit (archived)\nrequirepass hunter2\n",
        resolution: { text: "requirepass hunter2\n# new\n", savedBy: "op", savedAt: "2026-12-03T10:00:00.000Z" },
      },
    ],
  };
  it("leaves the archived texts out for viewers, keeps the packages' defaults, and shows operators everything", () => {
    const shown = JSON.stringify(maskMergeConflictsFor("viewer", conflicts));
    expect(shown).not.toContain("hunter2");
    expect(maskMergeConflictsFor("viewer", conflicts).conflicts[0]).toMatchObject({
      masked: true,
      newDefault: "# requirepass foobared\n# new\n",
    });
    expect(maskMergeConflictsFor("operator", conflicts)).toEqual(conflicts);
  });
});
