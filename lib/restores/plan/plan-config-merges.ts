import type { MigrationAction } from "@/lib/restores/plan/migration-rule-schema";
import { applyRulesToConfig } from "@/lib/restores/plan/apply-migration-edits";
import { mergeConfigKeys } from "@/lib/restores/plan/merge-config-keys";
import { mergeText } from "@/lib/restores/plan/merge-lines";
import type { ManifestEntry } from "@/lib/archives/manifest";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";

// The three-way configuration merge (issue 14): for every archived file a package ships as
// configuration, the admin's changes (the package's pristine old version -> the archived, edited
// one) are applied onto the new package's default (read from the restore's packages stage). Lines
// the admin never touched take the new default; a clean merge replaces the archived file in the
// build; a conflict (the admin and the new version changed the same lines) needs a person, whose
// resolution is keyed by the path and the new default's SHA-256. Pure: texts in, decisions out.

export type ConfigMergeStatus = "merged" | "unchanged-by-admin" | "resolved" | "conflict" | "kept-as-is" | "new-file";

/** One place where the admin's edit and the new default changed the same lines. */
export type ConflictHunk = {
  /** 1-based line in the new default where the hunk starts. */
  line: number;
  pristine: string[];
  edited: string[];
  newDefault: string[];
};

export type ConfigMerge = {
  path: string;
  /** The archived owner (or null for a file no package shipped). */
  package: string | null;
  /** The new package that ships it as configuration, when one does. */
  newPackage: string | null;
  status: ConfigMergeStatus;
  /** Why, as a sentence. */
  reason: string;
  /** Where the pristine old version the merge started from came from (the archive's `pristineWhy`), or null when none. */
  pristineOrigin: string | null;
  /** The text that goes into the image instead of the archived file (merged, new default, or a person's resolution). */
  result: string | null;
  /** For conflicts (and resolved ones): the three versions, the conflicting hunks and a merge with conflict markers. */
  conflict: {
    pristine: string;
    edited: string;
    newDefault: string;
    newDefaultSha256: string;
    hunks: ConflictHunk[];
    withMarkers: string;
  } | null;
};

/** A person's resolution of a conflict: the text to use, for that path and that new default. */
export type MergeResolution = { path: string; newDefaultSha256: string; text: string };

/** The archived texts of a file (null: binary, over the limit, or not found). */
export type ArchivedConfigText = { edited: string | null; pristine: string | null };

export type PlanConfigMergesInput = {
  entries: readonly ManifestEntry[];
  /** By path: the archived (edited) text and the pristine text, as the caller read them from the store. */
  texts: Readonly<Record<string, ArchivedConfigText>>;
  stage: PackageStageFacts;
  resolutions?: readonly MergeResolution[];
  /**
   * The migration rules' actions the restore script will run (plannedActions), applied first to the pristine and the
   * edited text, so the admin's changes read in the new version's words (Dovecot 2.4's settings) before the merge.
   */
  rules?: readonly MigrationAction[];
};

/** The most a merged file may be (larger files are kept as they are). */
export const MERGE_MAX_BYTES = 1024 * 1024;

/** The new package that ships `file` as a dpkg conffile (not obsolete), or null. */
function stageOwner(stage: PackageStageFacts, file: string): string | null {
  for (const pkg of Object.values(stage.packages))
    if (pkg.conffiles.some((conffile) => conffile.path === file && !conffile.obsolete)) return pkg.name;
  return null;
}

/** The paths whose new defaults the planner needs from the packages stage. */
export function wantedStageFiles(entries: readonly ManifestEntry[]): string[] {
  return [...new Set(entries.filter((entry) => entry.type === "file" && entry.conffile).map((entry) => entry.path))].sort();
}

/** Which archived entries the merge looks at: conffiles, and (for archives that record conffiles) other configuration files. */
function candidates(entries: readonly ManifestEntry[]): ManifestEntry[] {
  const recordsConffiles = entries.some((entry) => entry.conffile !== undefined);
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (entry.type !== "file" || !entry.sha256 || seen.has(entry.path)) return false;
    if (entry.source !== "layer" && entry.source !== "image") return false;
    const wanted = entry.conffile !== undefined || (recordsConffiles && entry.category === "config");
    if (wanted) seen.add(entry.path);
    return wanted;
  });
}

/**
 * A three-way merge of lines (merge-lines.ts: only two changes to the same line conflict): the merged text, or the
 * conflicting hunks and the text with conflict markers.
 */
export function mergeThreeWay(
  pristine: string,
  edited: string,
  newDefault: string,
): { merged: string } | { hunks: ConflictHunk[]; withMarkers: string } {
  const merged = mergeText(pristine, edited, newDefault);
  if (!merged.conflicts.length) return { merged: merged.text };
  return {
    hunks: merged.conflicts.map((conflict) => ({
      line: conflict.theirsStart + 1,
      pristine: conflict.base,
      edited: conflict.ours,
      newDefault: conflict.theirs,
    })),
    withMarkers: merged.text,
  };
}

export function planConfigMerges(input: PlanConfigMergesInput): ConfigMerge[] {
  const { stage } = input;
  const resolutions = new Map(
    (input.resolutions ?? []).map((resolution) => [`${resolution.path}\0${resolution.newDefaultSha256}`, resolution]),
  );
  const merges: ConfigMerge[] = [];
  for (const entry of candidates(input.entries)) {
    const pristineOrigin = entry.pristineSha256 ? (entry.pristineWhy ?? "from the container's image") : null;
    const base = { path: entry.path, package: entry.package ?? null, result: null, conflict: null, pristineOrigin };
    const newPackage =
      stageOwner(stage, entry.path) ??
      (entry.conffile === "ucf" && entry.package && stage.packages[entry.package] && stage.files[entry.path] ? entry.package : null);
    if (!entry.conffile) {
      merges.push(
        newPackage
          ? {
              ...base,
              newPackage,
              status: "kept-as-is",
              reason: `no archived package shipped it, but ${newPackage} ships it now: the archived file replaces its default`,
            }
          : { ...base, newPackage: null, status: "new-file", reason: "not the configuration of any new package: restored as archived" },
      );
      continue;
    }
    const newDefault = stage.files[entry.path] ?? null;
    const keep = (reason: string): ConfigMerge => ({ ...base, newPackage, status: "kept-as-is", reason });
    if (!newPackage) {
      merges.push(
        keep(
          `no new package ships it as configuration (${entry.package ?? "its package"} does not, or is not installed): restored as archived`,
        ),
      );
      continue;
    }
    if (entry.pristineSha256 === null || entry.pristineSha256 === undefined) {
      const why =
        entry.pristineSha256 === undefined
          ? "the archive was made before Kura kept pristine versions"
          : (entry.pristineWhy ?? "none was found");
      merges.push(keep(`no pristine version of it was found (${why}): restored as archived`));
      continue;
    }
    const texts = input.texts[entry.path];
    const tooLarge = (text: string | null) => text !== null && Buffer.byteLength(text) > MERGE_MAX_BYTES;
    if (
      !texts ||
      texts.edited === null ||
      texts.pristine === null ||
      newDefault === null ||
      [texts.edited, texts.pristine, newDefault].some(tooLarge)
    ) {
      const which =
        !texts || texts.edited === null ? "the archived file" : texts.pristine === null ? "the pristine version" : "the new default";
      merges.push(keep(`${which} is not text, or over 1 MiB: only text files are merged; restored as archived`));
      continue;
    }
    // The rules first, on both sides: what the admin changed then reads in the new version's words.
    const edited = applyRulesToConfig(input.rules ?? [], entry.path, texts.edited).text;
    const pristine = applyRulesToConfig(input.rules ?? [], entry.path, texts.pristine).text;
    // Read with the facts (this module stays pure); without it no saved resolution can match.
    const newDefaultSha256 = stage.fileSha256?.[entry.path] ?? "";
    const merged = (result: string, reason: string, status: ConfigMergeStatus = "merged"): ConfigMerge => ({
      ...base,
      newPackage,
      status,
      reason,
      result,
    });
    if (edited === pristine) {
      merges.push(merged(newDefault, `the admin did not change it: the new default of ${newPackage} is used`, "unchanged-by-admin"));
      continue;
    }
    if (newDefault === pristine) {
      merges.push(merged(edited, `the new default of ${newPackage} is the old one: the admin's file is used as is`));
      continue;
    }
    if (newDefault === edited) {
      merges.push(merged(newDefault, `the new default of ${newPackage} already holds the admin's changes`));
      continue;
    }
    const three = mergeThreeWay(pristine, edited, newDefault);
    if ("merged" in three) {
      merges.push(merged(three.merged, `the admin's changes apply cleanly onto the new default of ${newPackage}`));
      continue;
    }
    // Where lines clash, a key/value file can still merge setting by setting (merge-config-keys.ts says when not).
    const byKey = mergeConfigKeys({ pristine, edited, newDefault });
    if (byKey.ok) {
      const changes = byKey.changes.length ? `: ${byKey.changes.join("; ")}` : "";
      merges.push(merged(byKey.text, `the admin's settings are applied one by one onto the new default of ${newPackage}${changes}`));
      continue;
    }
    const conflict = { pristine, edited, newDefault, newDefaultSha256, hunks: three.hunks, withMarkers: three.withMarkers };
    const resolution = resolutions.get(`${entry.path}\0${newDefaultSha256}`);
    if (resolution) {
      const reason = `the admin's changes conflicted with the new default of ${newPackage} in ${three.hunks.length} place(s); a person resolved it`;
      merges.push({ ...merged(resolution.text, reason, "resolved"), conflict });
      continue;
    }
    merges.push({
      ...base,
      newPackage,
      status: "conflict",
      reason: `the admin's changes and the new default of ${newPackage} change the same lines in ${three.hunks.length} place(s): a person must resolve it before the build`,
      conflict,
    });
  }
  return merges;
}
