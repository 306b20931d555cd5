// Shapes shared by the restore planner's modules. Plain data only.

export type RestoreWarningKind =
  "missing-package" | "uid-collision" | "gid-collision" | "secret-left-out" | "no-package-manager" | "identity-changes" | "other";

/** A sentence a sysadmin can act on. */
export type RestoreWarning = { kind: RestoreWarningKind; message: string };

export type MissingPackage = {
  name: string;
  /** The successor's name(s) joined with " " ("polkitd pkexec"), or null when none is known. */
  replacement: string | null;
  /** The successor names one by one (empty when none is known). */
  replacements: string[];
};

/**
 * What the restore does with one archived package. Installed by hand in the archive: install, or, as the new base
 * has it, renamed (its successor is installed), already-in-new-base, not-available. Not installed by hand: why, from
 * the archive (in-base-image, in-minimal-set, dependency; not-marked for an older archive's `manual: false`).
 * invalid-name and no-package-manager: nothing can be installed.
 */
export type PackageDecisionKind =
  | "install"
  | "renamed"
  | "already-in-new-base"
  | "not-available"
  | "in-base-image"
  | "in-minimal-set"
  | "dependency"
  | "not-marked"
  | "invalid-name"
  | "no-package-manager";

export type PackageDecision = {
  name: string;
  /** The archived version. */
  version: string;
  /** Whether the Dockerfile's apt-get line installs it, or its successor(s). */
  install: boolean;
  /** The names installed for it: itself, its successors, or none. */
  installs: string[];
  kind: PackageDecisionKind;
  /** Why, as a sentence: the archive's fact, then what the new base changes. */
  reason: string;
};

export type PackagePlan = {
  /** Names for apt-get install, sorted. */
  install: string[];
  /** Packages installed by hand in the archived container that the base already has. */
  alreadyInBase: string[];
  missing: MissingPackage[];
  /** Every archived package, installed ones first, with why it is installed or not. */
  decisions: PackageDecision[];
};
