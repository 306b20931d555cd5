// Shapes shared by detection, classification, rules and the curation UI. Plain data only.

export type ChangeKind = "added" | "modified" | "deleted";
/** "layer": the container's writable layer; "image": one of its image's layers above the base. */
export type ChangeSource = "layer" | "image" | "volume" | "bind";
export type EntryType = "file" | "dir" | "symlink" | "other";
export type Category = "user-data" | "config" | "account" | "package-unchanged" | "runtime" | "log" | "secret-candidate";

export const CATEGORIES: Category[] = ["user-data", "config", "account", "package-unchanged", "runtime", "log", "secret-candidate"];

/** One changed path as detection sees it, before classification. */
export type RawEntry = {
  path: string;
  kind: ChangeKind;
  source: ChangeSource;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** ISO time, or null for deleted entries. */
  mtime: string | null;
  linkTarget?: string | null;
};

/** Facts from the package database about one path (absent: no package owns it). */
export type PackageFacts = {
  owner: string;
  conffile: boolean;
  /** true: content hash equals the package's; false: edited; null: could not be checked. */
  unchanged: boolean | null;
};

export type DecidedBy = { rule?: string; reason: string };

export type ChangeEntry = RawEntry & { category: Category; selected: boolean; decidedBy: DecidedBy };

export type Rule = { pattern: string; action: "exclude" | "include"; note: string };
