// The shapes the restore API returns (and the restore pages read). Plain data.

export type PlanWarning = { kind: string; message: string };

export type PlannedRule = {
  rule: { id: string; package: string; fromVersions: string; toVersions: string; action: { kind: string; [key: string]: string }; note: string; builtIn: boolean; enabled: boolean };
  status: "applies" | "checked-at-build" | "not-applicable";
  reason: string;
  fromVersion: string | null;
  toVersion: string | null;
};

/** POST /api/archives/{id}/restore-plan */
export type RestorePlanView = {
  archiveId: string;
  engineId: string;
  baseImage: string;
  /** Images on that engine the user may pick as the base (tags), newest distribution first when known. */
  baseImageChoices: string[];
  dockerfile: string;
  restoreScript: string;
  packages: { install: string[]; alreadyInBase: string[]; missing: { name: string; replacement: string | null }[] };
  /** Whether the base's repositories were asked which packages exist (needs the build network). */
  packagesChecked: boolean;
  migrationRules: PlannedRule[];
  buildArgs: string[];
  warnings: PlanWarning[];
};

export type RestoreStep = "plan" | "build" | "run" | "verify" | "check" | "done";

export type FileMismatch = { path: string; problem: string };

export type RestoreVerification = {
  filesChecked: number;
  filesOk: number;
  mismatches: FileMismatch[];
  accounts: { name: string; uid: number; ok: boolean; problem: string | null }[];
};

/** GET /api/restores/{id} (and the list items of GET /api/archives/{id}/restores, without `log` and `dockerfile`) */
export type RestoreView = {
  id: string;
  archiveId: string;
  archiveName: string;
  engineId: string;
  engineName: string;
  baseImage: string;
  imageTag: string;
  imageId: string | null;
  containerName: string;
  containerId: string | null;
  /** running | succeeded | failed | cancelled */
  state: string;
  /** the step running now, or the one that failed */
  step: RestoreStep;
  error: string | null;
  jobId: string | null;
  dockerfileEdited: boolean;
  /** unified diff of the user's Dockerfile against the generated one ("" when not edited) */
  dockerfileDiff: string;
  dockerfile?: string;
  warnings: PlanWarning[];
  appliedRules: string[];
  verification: RestoreVerification | null;
  check: { command: string; exitCode: number; output: string; ok: boolean } | null;
  /** the build log so far (the last ~200 KB) */
  log?: string;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
};

/** POST /api/archives/{id}/restores body */
export type StartRestoreInput = {
  engineId: string;
  baseImage: string;
  containerName: string;
  /** the Dockerfile to build when the user edited it; omitted = the generated one */
  dockerfile?: string;
  /** values for the build arguments the plan lists (secrets left out of the archive) */
  buildArgs?: Record<string, string>;
  /** run inside the restored container with `sh -c` after it starts; exit code 0 = passed */
  checkCommand?: string;
  /** "none" (isolated, the default) or "default" (the engine's default network) */
  network?: "none" | "default";
  /** build without the engine's layer cache */
  noCache?: boolean;
  /** container port like "445/tcp" -> host port on 127.0.0.1; nothing is published unless asked */
  publish?: Record<string, number>;
};
