import { z } from "zod";
import { archiveParams, mergeResolutionBody, restoreParams, restorePlanBody, startRestoreBody } from "@/lib/api/schemas";
import { LEFT_OUT_REASONS, packageBaseSchema } from "@/lib/archives/manifest";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const planWarningSchema = z.object({ kind: z.string(), message: z.string() });

export const plannedRuleSchema = z.object({
  rule: z.object({
    id: z.string(),
    package: z.string(),
    fromVersions: z.string(),
    toVersions: z.string(),
    /** The action's fields: strings, and an upgrade's `run` lines (issue 15). */
    action: z.object({ kind: z.string() }).catchall(z.union([z.string(), z.array(z.string())])),
    note: z.string(),
    builtIn: z.boolean(),
    enabled: z.boolean(),
  }),
  status: z.enum(["applies", "checked-at-build", "not-applicable"]),
  reason: z.string(),
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
});

/**
 * A data conversion the restore runs in the build (issue 15): what (a database cluster, a data directory), the versions
 * on both sides, how, and from which rule. `not-covered`: a jump no step converts; the plan warns, naming the data.
 */
export const plannedConversionSchema = z.object({
  id: z.string(),
  what: z.string(),
  data: z.string(),
  package: z.string(),
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  method: z.string(),
  source: z.string(),
  status: z.enum(["planned", "not-covered"]),
  /** Archived paths the conversion replaces or rewrites (gone or changed in the image on purpose; the archive keeps them). */
  replaces: z.array(z.string()).optional(),
});

/** A conffile move or removal a new package records (dpkg-maintscript-helper, remove-on-upgrade), and whether it applies. */
export const distributionRuleSchema = z.object({
  package: z.string(),
  version: z.string(),
  archivedVersion: z.string().nullable(),
  operation: z.enum(["mv_conffile", "rm_conffile", "symlink_to_dir", "dir_to_symlink", "remove-on-upgrade"]),
  paths: z.array(z.string()),
  priorVersion: z.string().nullable(),
  script: z.enum(["preinst", "postinst", "postrm", "prerm", "conffiles"]),
  text: z.string(),
  status: z.enum(["applies", "not-applicable"]),
  reason: z.string(),
  action: z
    .object({ kind: z.string() })
    .catchall(z.union([z.string(), z.array(z.string())]))
    .nullable(),
  /** "from bind9 1:9.20.30-1~deb13u1 postinst: dpkg-maintscript-helper rm_conffile /etc/bind/db.local 1:9.20.5-1~" */
  source: z.string(),
});

/** NEWS.Debian entries of one package between the archived and the new version. */
export const packageNewsSchema = z.object({
  package: z.string(),
  /** Other packages of the stage that ship the same NEWS.Debian. */
  alsoIn: z.array(z.string()),
  fromVersion: z.string(),
  toVersion: z.string(),
  entries: z.array(
    z.object({ source: z.string(), version: z.string(), distribution: z.string(), text: z.string(), author: z.string(), date: z.string() }),
  ),
});

export const CONFIG_MERGE_STATUSES = ["merged", "unchanged-by-admin", "resolved", "conflict", "kept-as-is", "new-file"] as const;

/** One archived configuration file's merge (issue 14): path, archived owner, status and why. */
export const configMergeSummarySchema = z.object({
  path: z.string(),
  package: z.string().nullable(),
  status: z.enum(CONFIG_MERGE_STATUSES),
  reason: z.string(),
  /** Where the package's pristine old version came from ("from cron 3.0pl1-137's package, fetched from the release's repository"). */
  pristineOrigin: z.string().nullable().optional(),
});

/** A versioned path mapped to the new package's (issue 14): every kept entry under `from` is restored under `to`. */
export const pathMappingSchema = z.object({
  from: z.string(),
  to: z.string(),
  fromPackage: z.string(),
  toPackage: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  evidence: z.string(),
  entries: z.number(),
});

/** A kept text file whose references to mapped paths were rewritten (at the path it is restored at), with the lines changed. */
export const contentRewriteSchema = z.object({
  path: z.string(),
  lines: z.array(z.object({ line: z.number(), before: z.string(), after: z.string() })),
});

/** A configuration checker the restore runs on the built image before the service starts (issue 14). */
export const configCheckSchema = z.object({
  service: z.string(),
  package: z.string(),
  program: z.string(),
  command: z.string(),
  proves: z.string(),
});

/** How a configuration checker ended: passed, failed (the restore stops at config-check) or missing (its program is not installed). */
export const configCheckResultSchema = z.object({
  service: z.string(),
  package: z.string(),
  command: z.string(),
  outcome: z.enum(["passed", "failed", "missing"]),
  exitCode: z.number(),
  output: z.string(),
});

/** A restore plan; for viewers, secret values kept in the archive are masked in the Dockerfile. */
export const restorePlanViewSchema = z.object({
  archiveId: z.string(),
  engineId: z.string(),
  baseImage: z.string(),
  /** Images on that engine the user may pick as the base (tags), newest distribution first when known. */
  baseImageChoices: z.array(z.string()),
  dockerfile: z.string(),
  restoreScript: z.string(),
  packages: z.object({
    install: z.array(z.string()),
    alreadyInBase: z.array(z.string()),
    missing: z.array(z.object({ name: z.string(), replacement: z.string().nullable() })),
    /** Every archived package, those installed first, with why it is installed or not (the archive's fact, then the new base's). */
    decisions: z.array(
      z.object({
        name: z.string(),
        version: z.string(),
        install: z.boolean(),
        /** The names apt-get installs for it: itself, its successor(s) on the new base, or none. */
        installs: z.array(z.string()),
        kind: z.enum([
          "install",
          "renamed",
          "already-in-new-base",
          "not-available",
          "in-base-image",
          "in-minimal-set",
          "dependency",
          "not-marked",
          "invalid-name",
          "no-package-manager",
        ]),
        reason: z.string(),
      }),
    ),
    /** Where the archive's list of the original base's packages came from; null for archives made before Kura recorded it. */
    originalBase: packageBaseSchema.nullable(),
  }),
  /** Whether the base's repositories were asked which packages exist (needs the build network). */
  packagesChecked: z.boolean(),
  migrationRules: z.array(plannedRuleSchema),
  buildArgs: z.array(z.string()),
  warnings: z.array(planWarningSchema),
  /** Archived secrets (host keys, TLS keys, password stores) that come back: the service's identity. */
  secretsKept: z.array(z.string()),
  /**
   * Debconf answers of the archived packages, preseeded (debconf-set-selections) before the install. Passwords are never
   * kept (a warning lists them); for viewers, values of questions whose names look secret are masked.
   */
  debconf: z.array(
    z.object({
      package: z.string(),
      question: z.string(),
      type: z.string(),
      value: z.string(),
      secret: z.boolean(),
      masked: z.boolean().optional(),
    }),
  ),
  /** Checks that ask the restored services themselves, proposed from the packages; `command` is all of them, each retried 30 s. */
  serviceChecks: z.object({
    proposed: z.array(z.object({ service: z.string(), package: z.string(), command: z.string(), proves: z.string() })),
    command: z.string(),
  }),
  /** Configuration checkers run on the built image, after the restore script and before the service starts. */
  configChecks: z.array(configCheckSchema),
  /**
   * Versioned paths that follow their package (php7.4 -> php8.4) and the kept texts rewritten to match; null while
   * the new packages are not known (they are read once the restore has built its packages stage).
   */
  pathMappings: z.object({ mappings: z.array(pathMappingSchema), rewrites: z.array(contentRewriteSchema) }).nullable(),
  /**
   * What will not come back: what the detection saw but the archive does not hold, grouped by why, with counts,
   * bytes and up to 20 example paths (a folder ends with "/"). `recorded` is false for archives made before
   * Kura kept this record. Unchanged package files (`comesBack`) are reinstalled with their packages.
   */
  leftOut: z.object({
    recorded: z.boolean(),
    groups: z.array(
      z.object({
        reason: z.enum(LEFT_OUT_REASONS),
        rule: z.string().nullable(),
        label: z.string(),
        comesBack: z.boolean(),
        count: z.number(),
        folders: z.number(),
        bytes: z.number(),
        examples: z.array(z.string()),
      }),
    ),
  }),
  /**
   * Read from the new packages once their stage is built (absent or empty before): the conffile moves and removals
   * their maintainer scripts record for the archived paths (those that apply are in migrationRules too, ids
   * "dist-..."), and what NEWS.Debian told admins between the archived and the new versions.
   */
  distributionRules: z.array(distributionRuleSchema).optional(),
  news: z.array(packageNewsSchema).optional(),
  /**
   * The three-way merge of each archived configuration file (issue 14): the admin's changes (the package's pristine
   * version -> the archived file) onto the new package's default. `merged`: applied cleanly; `unchanged-by-admin`:
   * the new default is used; `resolved`: a conflict a person resolved; `conflict`: the admin and the new version
   * changed the same lines (the restore refuses until it is resolved); `kept-as-is`: restored as archived (`reason`
   * says why: no pristine version, not shipped any more, not text); `new-file`: no package's configuration. Null
   * while the new packages' facts are not known: they are read once a restore has built the packages stage.
   */
  merges: z.array(configMergeSummarySchema).nullable().optional(),
  /**
   * The data conversions the build runs (issue 15): a database across major versions (PostgreSQL dump and load,
   * MariaDB upgrade), an admin's upgrade rules. Their output goes to the build log.
   */
  conversions: z.array(plannedConversionSchema).optional(),
});

export const restoreStepSchema = z.enum(["plan", "build", "merge", "config-check", "run", "verify", "check", "done"]);

export const restoreVerificationSchema = z.object({
  filesChecked: z.number(),
  filesOk: z.number(),
  mismatches: z.array(z.object({ path: z.string(), problem: z.string() })),
  accounts: z.array(z.object({ name: z.string(), uid: z.number(), ok: z.boolean(), problem: z.string().nullable() })),
});

/**
 * A restore; the list items leave out `log` and `dockerfile`. For viewers, secret values kept in the
 * archive are masked in the Dockerfile, its diff and the log.
 */
export const restoreViewSchema = z.object({
  id: z.string(),
  archiveId: z.string(),
  archiveName: z.string(),
  engineId: z.string(),
  engineName: z.string(),
  baseImage: z.string(),
  imageTag: z.string(),
  imageId: z.string().nullable(),
  containerName: z.string(),
  containerId: z.string().nullable(),
  /** running | succeeded | failed | cancelled */
  state: z.string(),
  /** the step running now, or the one that failed */
  step: restoreStepSchema,
  error: z.string().nullable(),
  jobId: z.string().nullable(),
  dockerfileEdited: z.boolean(),
  /** unified diff of the user's Dockerfile against the generated one ("" when not edited) */
  dockerfileDiff: z.string(),
  dockerfile: z.string().optional(),
  warnings: z.array(planWarningSchema),
  appliedRules: z.array(z.string()),
  verification: restoreVerificationSchema.nullable(),
  check: z.object({ command: z.string(), exitCode: z.number(), output: z.string(), ok: z.boolean() }).nullable(),
  /** The configuration checkers run before the service started, with their outcome. */
  configChecks: z.array(configCheckResultSchema),
  /** The versioned paths the restore mapped (issue 14) and the kept texts rewritten to follow them. */
  pathMappings: z.array(pathMappingSchema),
  rewrites: z.array(contentRewriteSchema),
  /** The configuration merges the restore made (issue 14): one per archived configuration file; [] before the merge step. */
  merges: z.array(configMergeSummarySchema).optional(),
  /** The data conversions this restore ran in its build (issue 15); [] before the build, or when there were none. */
  conversions: z.array(plannedConversionSchema).optional(),
  /** the build log so far (the last ~200 KB) */
  log: z.string().optional(),
  createdBy: z.string(),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
});

export const planRestore = defineEntry({
  method: "POST",
  path: "/api/archives/{id}/restore-plan",
  access: "viewer",
  summary:
    "Plan a restore onto a base image (reads only: viewers may look): Dockerfile, restore script, packages, migration rules, warnings",
  params: archiveParams,
  body: restorePlanBody,
  status: 200,
  response: restorePlanViewSchema,
  errors: { 404: "unknown archive, engine or image", 409: "not complete", 502: "engine unreachable" },
});

export const listArchiveRestores = defineEntry({
  method: "GET",
  path: "/api/archives/{id}/restores",
  access: "viewer",
  summary: "This archive's restores, newest first",
  params: archiveParams,
  status: 200,
  response: z.array(restoreViewSchema),
  errors: { 404: "unknown archive" },
});

export const startRestore = defineEntry({
  method: "POST",
  path: "/api/archives/{id}/restores",
  access: "operator",
  summary:
    "Restore the archive (a job): build on the base image, start the container, verify every file, run the check command; " +
    "202 {jobId, restoreId}",
  params: archiveParams,
  body: startRestoreBody,
  status: 202,
  response: z.object({ jobId: z.string(), restoreId: z.string() }),
  errors: { 404: "unknown archive, engine or image", 409: "not complete, or the container name is taken" },
});

export const listRestores = defineEntry({
  method: "GET",
  path: "/api/restores",
  access: "viewer",
  summary: "Every restore, newest first",
  status: 200,
  response: z.array(restoreViewSchema),
  errors: {},
});

export const getRestore = defineEntry({
  method: "GET",
  path: "/api/restores/{id}",
  access: "viewer",
  summary: "A restore: state, failed step, verification, check result, Dockerfile, its diff and the build log",
  params: restoreParams,
  status: 200,
  response: restoreViewSchema,
  errors: { 404: "unknown restore" },
});

/** A conflict of a restore plan's configuration merge, with the three versions (issue 14). */
export const mergeConflictSchema = z.object({
  path: z.string(),
  package: z.string().nullable(),
  newPackage: z.string().nullable(),
  /** "conflict" until a resolution for this new default is saved, then "resolved". */
  status: z.enum(["conflict", "resolved"]),
  reason: z.string(),
  /** The package's pristine old version, the admin's archived edit, and the new package's default. */
  pristine: z.string(),
  /** Where that pristine version came from (the archive's record), when known. */
  pristineOrigin: z.string().nullable().optional(),
  edited: z.string(),
  newDefault: z.string(),
  newDefaultSha256: z.string(),
  hunks: z.array(
    z.object({ line: z.number(), pristine: z.array(z.string()), edited: z.array(z.string()), newDefault: z.array(z.string()) }),
  ),
  /** The merge with conflict markers (admin's edit, old default, new default): the start of a resolution. */
  withMarkers: z.string(),
  resolution: z.object({ text: z.string(), savedBy: z.string(), savedAt: isoTime }).nullable(),
  /** For viewers: the archived texts (edited, withMarkers, the hunks' edited lines, the resolution's text) are left out. */
  masked: z.boolean().optional(),
});

export const mergeConflictsSchema = z.object({
  /** false while the new packages' facts are unknown (no restore of this archive onto this base built its packages stage yet). */
  known: z.boolean(),
  conflicts: z.array(mergeConflictSchema),
});

export const listMergeConflicts = defineEntry({
  method: "POST",
  path: "/api/archives/{id}/merge-conflicts",
  access: "viewer",
  summary:
    "The configuration merge conflicts of a restore plan (for a base image), each with the three versions and any saved resolution " +
    "(reads only: viewers may look, without the archived texts)",
  params: archiveParams,
  body: restorePlanBody,
  status: 200,
  response: mergeConflictsSchema,
  errors: { 404: "unknown archive, engine or image", 409: "not complete", 502: "engine unreachable" },
});

export const saveMergeResolution = defineEntry({
  method: "PUT",
  path: "/api/archives/{id}/merge-resolutions",
  access: "operator",
  summary:
    "Save a person's resolution of a configuration merge conflict: the text the restore uses for that path, as long as the new " +
    "default has that SHA-256",
  params: archiveParams,
  body: mergeResolutionBody,
  status: 200,
  response: z.object({ path: z.string(), newDefaultSha256: z.string(), savedBy: z.string(), savedAt: isoTime }),
  errors: { 404: "unknown archive" },
});
