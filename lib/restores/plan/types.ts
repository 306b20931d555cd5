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

export type PackagePlan = {
  /** Names for apt-get install, sorted. */
  install: string[];
  /** Packages installed by hand in the archived container that the base already has. */
  alreadyInBase: string[];
  missing: MissingPackage[];
};
