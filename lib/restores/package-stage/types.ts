// What Kura reads from a restore's packages stage (the new base with the archived packages installed,
// the Dockerfile's "kura-packages" stage, built before the rest): the facts the new versions bring,
// against which the archived configuration is merged, versioned paths are mapped and the
// distribution's own upgrade rules are mined (issue 14). Plain data only; read by
// read-package-stage.ts, consumed by the pure planner modules.

/** One conffile line of /var/lib/dpkg/info/PKG.conffiles ("path md5 [obsolete] [remove-on-upgrade]"). */
export type StageConffile = { path: string; md5: string; obsolete: boolean; removeOnUpgrade: boolean };

export type StagePackage = {
  name: string;
  /** The installed version, as dpkg-query prints it (epoch included). */
  version: string;
  /** From /var/lib/dpkg/info/PKG.conffiles (or PKG:ARCH.conffiles). */
  conffiles: StageConffile[];
  /** From /var/lib/dpkg/info/PKG.list: every path the package owns (folders included). */
  files: string[];
  /** The maintainer scripts' text (preinst, postinst, prerm, postrm), absent when the package has none. */
  maintscripts: Partial<Record<"preinst" | "postinst" | "prerm" | "postrm", string>>;
  /** /usr/share/doc/PKG/NEWS.Debian(.gz), uncompressed; null when the package ships none. */
  news: string | null;
};

export type PackageStageFacts = {
  /** The packages stage image's id (sha256:...), from which these were read. */
  imageId: string;
  /** Every package installed in the stage, by name. */
  packages: Record<string, StagePackage>;
  /**
   * Contents of the files the planner asked for (the new defaults of archived conffiles, at their
   * own and at their mapped paths): UTF-8 text, or null when the stage has no regular file there
   * or it is not text or larger than 1 MiB.
   */
  files: Record<string, string | null>;
  /** SHA-256 (hex) of each text in `files` (a person's merge resolution is kept for one new default). Absent: not computed. */
  fileSha256?: Record<string, string>;
  /** What could not be read (a file over a limit, not text): said, the rest of the facts stand. Absent: none. */
  warnings?: string[];
};
