// Test data for the restore planner's tests: a manifest with sensible defaults, and the static
// restore programs read from lib/restores/scripts/.

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import { RESTORE_SCRIPT_FILES, type RestoreScripts } from "@/lib/restores/plan/restore-script-files";

export function makeEntry(path: string, type: ManifestEntry["type"], extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    path,
    type,
    mode: type === "dir" ? 0o755 : type === "symlink" ? 0o777 : 0o644,
    uid: 0,
    gid: 0,
    user: "root",
    group: "root",
    size: type === "file" ? 1 : 0,
    mtime: "2021-06-01T12:00:00.000Z",
    linkTarget: null,
    sha256: type === "file" ? "0".repeat(64) : null,
    source: "layer",
    category: "user-data",
    ...extra,
  };
}

export function makeManifest(extra: Partial<Manifest> = {}): Manifest {
  return {
    format: "kura-archive",
    version: 1,
    archive: { id: "arch1", name: "files before retirement", note: "", createdAt: "2024-01-01T00:00:00.000Z", createdBy: "admin" },
    engine: { name: "local", version: "26.1.5" },
    container: { id: "c0ffee", name: "fileserver", createdAt: "2021-01-01T00:00:00.000Z", startedAt: null },
    image: { reference: "debian:bullseye", id: "sha256:1234", digest: null, size: 120_000_000 },
    config: {
      cmd: ["smbd", "--foreground", "--no-process-group"],
      entrypoint: null,
      env: [{ name: "PATH", value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", redacted: false }],
      workingDir: "",
      user: "",
      exposedPorts: ["445/tcp"],
      labels: {},
      volumes: [],
      mounts: [],
    },
    os: { id: "debian", versionId: "11", prettyName: "Debian GNU/Linux 11 (bullseye)", versionCodename: "bullseye", fields: {} },
    packageManager: "dpkg",
    packages: [],
    ruleSet: { id: "default", name: "Default", rules: [] },
    entries: [],
    deleted: [],
    totals: { files: 0, bytes: 0 },
    warnings: [],
    debconf: [],
    leftOut: null,
    ...extra,
  };
}

/** The static restore programs of lib/restores/scripts/, as make-restore-plan.ts hands them to the planner. */
export function readScriptsForTest(): RestoreScripts {
  const dir = path.join(process.cwd(), "lib", "restores", "scripts");
  return Object.fromEntries(RESTORE_SCRIPT_FILES.map((name) => [name, readFileSync(path.join(dir, name), "utf8")])) as RestoreScripts;
}
