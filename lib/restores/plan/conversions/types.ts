// Data conversions at restore (issue 15): data the new versions cannot read as archived (a database's files tied to
// their major version, a virtual environment tied to its interpreter) is converted while the image is built, by
// steps that run inside the build, never on the host. Each planner (one file per kind of data, registered in
// plan-conversions.ts) looks at the manifest and the new packages and says, before anything runs, what it will
// convert, from which version to which, and how; a jump no planner covers is a warning naming the data at risk.
// Pure: plain data in, plain data out.

import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import type { RestoreWarning } from "@/lib/restores/plan/types";
import type { MigrationRule } from "@/lib/restores/plan/migration-rule-schema";

/** A file the planner adds to the build context (under kura/convert/ by convention). */
export type ConversionContextFile = { path: string; content: string | Uint8Array; mode: number };

export type ConversionInput = {
  /** The manifest as restored (entries at their mapped paths). */
  manifest: Manifest;
  /** The entries the restore copies from the archive (files and folders under payload/). */
  payloadEntries: readonly ManifestEntry[];
  /** The archived packages, name -> version. */
  archivedPackages: Readonly<Record<string, string>>;
  /** The new image's packages, name -> version: the packages stage's when known, else the plan's best knowledge. */
  newPackages: Readonly<Record<string, string | null>>;
  /** What the packages stage holds (null before it is built: the plan preview). */
  stage: PackageStageFacts | null;
  /** The new base image, e.g. "debian:trixie". */
  baseImage: string;
  /**
   * An image on the engine of the archived release (e.g. "debian:bullseye"), for stages that need the old
   * versions' programs from the old release's repository; null when the engine has none.
   */
  oldReleaseImage: string | null;
  /**
   * The migration rules as the admin left them (built-in ones with their switch): the planners follow the "upgrade"
   * ones (a built-in conversion switched off is not run, an admin's runs its lines). Absent: the built-in ones only.
   */
  rules?: readonly MigrationRule[];
  /**
   * Small archived text files some planners read (pyvenv.cfg, a distribution's RECORD), by archived path: read from the
   * store by make-restore-plan.ts (pythonVenvTextsWanted). Absent: none were read.
   */
  archivedTexts?: Readonly<Record<string, string>>;
};

export type ConversionStatus = "planned" | "not-covered";

/** One conversion, as the plan and the restore result show it. */
export type PlannedConversion = {
  /** The planner's or rule's id, e.g. "postgresql-major". */
  id: string;
  /** What is converted, e.g. "PostgreSQL cluster 13/main". */
  what: string;
  /** The archived data it converts (a folder), e.g. "/var/lib/postgresql/13/main". */
  data: string;
  package: string;
  fromVersion: string | null;
  toVersion: string | null;
  /** How, as a sentence a sysadmin can check, e.g. "load the archived pg_dumpall output into cluster 17/main". */
  method: string;
  /** Where the step comes from: "built-in: ..." or "rule NAME". */
  source: string;
  status: ConversionStatus;
  /**
   * Archived folders (and files) the conversion replaces or rewrites whole (the old cluster, an upgraded data
   * directory): every entry under them is gone or changed in the image on purpose, so the verification skips them.
   */
  replaces?: string[];
  /**
   * What the conversion changes in the restored files, so the restore's verification expects it (absent: nothing):
   * archived paths moved (a folder: every entry under it), archived paths it removes, archived files it rewrites.
   */
  restoredChanges?: { moves: { from: string; to: string }[]; removed: string[]; rewritten: string[] };
};

/** A Dockerfile stage the conversion adds between the restore stage and the image. */
export type ConversionStage = {
  /** The stage's name (FROM ... AS name), e.g. "kura-old-postgresql". */
  name: string;
  /** Its lines, the first one `FROM ... AS name`. */
  lines: string[];
  /** Built on the build network (KURA_BUILD_NETWORK) as its own target before the image: only for package installs. */
  network: boolean;
};

export type ConversionPlan = {
  conversions: PlannedConversion[];
  stages: ConversionStage[];
  /** Lines appended to the image's stage after the restored files are copied over /, built without network. */
  finalLines: string[];
  contextFiles: ConversionContextFile[];
  /** Packages the packages stage installs in addition (e.g. python3-venv). */
  install: string[];
  warnings: RestoreWarning[];
  /** Steps (paths in the image) run once when the container first starts, before its command (kura/first-start.sh). */
  firstStart?: string[];
  /**
   * Archived folders whose raw files the build does not need (the conversion loads the data from a capture and removes
   * the folder): left out of the build context and the restore stage. The archive keeps them.
   */
  skipPayload?: string[];
};

/** One kind of data: returns null when the archive holds none of it. */
export type ConversionPlanner = (input: ConversionInput) => ConversionPlan | null;

export const emptyConversionPlan = (): ConversionPlan => ({
  conversions: [],
  stages: [],
  finalLines: [],
  contextFiles: [],
  install: [],
  warnings: [],
});
