// Plans a restore: from an archive manifest and facts about the new base image, the files of a
// Docker build context that rebuilds the service, and what the rebuild will do (packages, accounts,
// migration rules, warnings). Pure: plain data in, plain data out; the caller writes the files.
//
// Build-context layout (a contract: the caller and `docker build` rely on it):
//
//   Dockerfile               generated here
//   kura/restore.sh          static (lib/restores/scripts/, passed in as `scripts`): the restore
//                            script (POSIX sh, dash and busybox sh)
//   kura/restore-plan.sh     generated here: the archive's part, sourced by restore.sh
//   kura/accounts-lib.awk    static: account merge programs
//   kura/merge-groups.awk
//   kura/merge-users.awk
//   kura/rename-key.awk      static: used by rename-key migration rules
//   kura/apply-metadata.pl   static: owners, modes and times in one perl process
//   kura/entries.nul         generated here: its input, NUL-separated (encode-restore-entries.ts)
//   kura/metadata.sh         generated here: the plain-sh fallback when perl is absent
//   kura/dir-times.sh        generated here: the fallback's folder times
//   kura/manifest.json       written by the caller: the archive manifest
//   kura/debconf-selections  generated here (plan-debconf.ts), only when the archive has debconf answers:
//                            debconf-set-selections input, copied into the package stage before the install
//   accounts/passwd, accounts/group, accounts/shadow, accounts/gshadow
//                            written by the caller: the ARCHIVED account files (only those the
//                            archive holds, listed in accountFiles), never under payload/
//   payload/<path without the leading slash>
//                            written by the caller for each of payloadEntries: only regular files
//                            and folders (never symlinks, devices, hard links), owned by root, mode
//                            0644 for files and 0755 for folders (never setuid); restore.sh puts the
//                            archived owner, mode and time back. Account files are not in payload/.
//
// The Dockerfile (generate-dockerfile.ts) installs the packages in a first stage; a second copies
// kura/, payload/ (only when payloadEntries is not empty) to /kura/stage/ and accounts/ (only when
// accountFiles is not empty) to /kura/accounts/ and runs restore.sh as root on the staged copy; the
// last runs `restore.sh delete` (only when there are deletions), copies the staged result over /,
// then sets the original ENV, WORKDIR, EXPOSE, VOLUME, LABEL, USER, ENTRYPOINT and CMD. /kura stays
// in the image with restore-report.txt (not the archived account files).

import type { Manifest, ManifestEntry } from "@/lib/archives/manifest";
import { releaseRank } from "@/lib/restores/plan/choose-base-image";
import { encodeRestoreEntries } from "@/lib/restores/plan/encode-restore-entries";
import { findAccountCollisions, userWillExist } from "@/lib/restores/plan/find-account-collisions";
import { generateDockerfile } from "@/lib/restores/plan/generate-dockerfile";
import { generateRestoreScript } from "@/lib/restores/plan/generate-restore-script";
import { matchMigrationRules, type RuleStatus } from "@/lib/restores/plan/match-migration-rules";
import { isFileRule, type MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { findPackageRename } from "@/lib/restores/plan/package-renames";
import { planPackages } from "@/lib/restores/plan/plan-packages";
import { printable } from "@/lib/restores/plan/quote-shell";
import { ancestorsOf } from "@/lib/restores/plan/restore-paths";
import { RESTORE_SCRIPT_FILES, type RestoreScripts } from "@/lib/restores/plan/restore-script-files";
import { selectRestoreEntries } from "@/lib/restores/plan/select-restore-entries";
import type { MissingPackage, PackageDecision, RestoreWarning } from "@/lib/restores/plan/types";
import { combineServiceChecks, proposeServiceChecks, type ServiceCheck } from "@/lib/restores/plan/propose-service-checks";
import { checkIdentity } from "@/lib/restores/plan/check-identity";
import { DEBCONF_SELECTIONS_FILE, planDebconf, type PlannedDebconfAnswer } from "@/lib/restores/plan/plan-debconf";
import { describeLeftOut, type LeftOutView } from "@/lib/restores/plan/describe-left-out";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import {
  mapRestoredPath,
  mapVersionedPaths,
  rewriteReferences,
  type ContentRewrite,
  type PathMapping,
} from "@/lib/restores/plan/map-versioned-paths";
import { plannedActions } from "@/lib/restores/plan/apply-migration-edits";
import { proposeConfigChecks, type ConfigCheck } from "@/lib/restores/plan/propose-config-checks";
import { mineDistributionRules, toRuleMatches, type DistributionRule } from "@/lib/restores/plan/mine-distribution-rules";
import { newsBetweenVersions, type PackageNews } from "@/lib/restores/plan/news-between-versions";
import { planConversions } from "@/lib/restores/plan/conversions/plan-conversions";
import type { ConversionStage, PlannedConversion } from "@/lib/restores/plan/conversions/types";
import { planConfigMerges, type ArchivedConfigText, type ConfigMerge, type MergeResolution } from "@/lib/restores/plan/plan-config-merges";

export type RestoreTarget = {
  /** e.g. "debian:trixie" */
  baseImage: string;
  baseOs: { id: string; versionId: string | null; versionCodename: string | null } | null;
  /** name -> version, from the base image's dpkg status ({} when none). */
  baseInstalledPackages: Record<string, string>;
  baseHasDpkg: boolean;
  /** The base image's /etc/passwd and /etc/group text, for plan-time collision warnings. */
  baseAccounts: { passwd: string; group: string } | null;
  /** Candidate versions on the base's repositories; null = unknown. */
  availablePackages: Record<string, string> | null;
};

export type RestorePlanInput = {
  manifest: Manifest;
  archivedAccounts: { passwd?: string; group?: string; shadow?: string; gshadow?: string };
  target: RestoreTarget;
  migrationRules: MigrationRule[];
  /** The static programs of lib/restores/scripts/ (read-restore-scripts.ts). */
  scripts: RestoreScripts;
  /** What the packages stage holds (read after it is built): with it, versioned paths follow their package (issue 14). */
  stage?: PackageStageFacts;
  /** Kept text files by archived path that may refer to a versioned path (the caller reads them from the store). */
  keptTexts?: Record<string, string>;
  /** The archived and pristine texts of the conffiles, by path (the caller reads them from the store). */
  configTexts?: Record<string, ArchivedConfigText>;
  /** People's resolutions of merge conflicts. */
  mergeResolutions?: MergeResolution[];
  /** An image on the engine of the archived release, for conversions that need the old programs (null: none). */
  oldReleaseImage?: string | null;
  /** Small archived texts the conversion planners read, by archived path (the caller reads them from the store). */
  archivedTexts?: Record<string, string>;
};

export type ContextFile = { path: string; content: string | Uint8Array; mode: number };

export type RestorePlan = {
  dockerfile: string;
  /** The archive's part of the restore script: kura/restore-plan.sh. */
  restoreScript: string;
  /** Everything generated: the Dockerfile and kura/* (kura/restore.sh included, kura/manifest.json not). */
  contextFiles: ContextFile[];
  packages: { install: string[]; alreadyInBase: string[]; missing: MissingPackage[]; decisions: PackageDecision[] };
  migrationRules: { rule: MigrationRule; status: RuleStatus; reason: string; fromVersion: string | null; toVersion: string | null }[];
  /** Names of redacted env values the user must pass with --build-arg. */
  buildArgs: string[];
  warnings: RestoreWarning[];
  /** Archived secrets (keys, password stores) that come back with the restore. */
  secretsKept: string[];
  /** Debconf answers preseeded before the install (kura/debconf-selections). */
  debconf: PlannedDebconfAnswer[];
  /** Checks that ask the restored services themselves (from the packages), and all of them as one command line. */
  serviceChecks: { proposed: ServiceCheck[]; command: string };
  /** Configuration checkers the restore runs on the built image before the service starts (issue 14). */
  configChecks: ConfigCheck[];
  /** Which of /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow the archive holds (the caller writes them to accounts/). */
  accountFiles: string[];
  /** File and folder entries the caller writes under payload/ (not account files, symlinks or specials). */
  payloadEntries: ManifestEntry[];
  /** What the archive does not hold, grouped by why (said before the build). */
  leftOut: LeftOutView;
  /** Versioned paths mapped to the new packages' (null without the packages stage's facts), and the texts that follow them. */
  pathMappings: { mappings: PathMapping[]; rewrites: ContentRewrite[] } | null;
  /** The manifest as restored: entries at their mapped paths (the archived manifest when nothing is mapped). */
  restoredManifest: Manifest;
  /** Texts that replace archived files under payload/ (references to mapped paths rewritten, merged configuration); owner and mode stay the archived ones. */
  payloadContent: { path: string; content: string }[];
  /**
   * The conffile moves and removals the new packages' maintainer scripts and conffiles record, for the archived
   * paths, each with its source and whether the jump covers it. Those that apply are
   * also in migrationRules (first, ids "dist-..."), so the restore script runs them. Null without stage facts.
   */
  distributionRules: DistributionRule[] | null;
  /** NEWS.Debian entries between the archived and the new version, per package. Null without stage facts. */
  news: PackageNews[] | null;
  /** The configuration merge of each archived conffile (null without the packages stage's facts). */
  merges: ConfigMerge[] | null;
  /** The data conversions the build runs (issue 15), and the stages they add (those on the network are built first). */
  conversions: PlannedConversion[];
  conversionStages: ConversionStage[];
};

const has = (record: Readonly<Record<string, unknown>>, key: string) => Object.prototype.hasOwnProperty.call(record, key);

/**
 * What the new base will have of each package: a version, null (known only at build time), or
 * absent. availablePackages may answer only for the names that were asked (the hand-installed
 * ones and their successors), so a package missing from it is "absent" only when it was one of
 * those; a dependency nobody asked about is "known at build time".
 */
function newVersionsOf(names: Iterable<string>, target: RestoreTarget, asked: ReadonlySet<string>): Record<string, string | null> {
  const versions: Record<string, string | null> = {};
  for (const name of names) {
    const installed = target.baseInstalledPackages[name];
    if (installed !== undefined && has(target.baseInstalledPackages, name)) versions[name] = installed;
    else if (!target.baseHasDpkg) continue;
    else if (target.availablePackages === null) versions[name] = null;
    else if (has(target.availablePackages, name)) versions[name] = target.availablePackages[name] ?? null;
    else if (!asked.has(name)) versions[name] = null;
  }
  return versions;
}

/** A warning when the new base is another distribution than the archived one, or an older release of it. */
function compareSystems(archived: Manifest["os"], target: RestoreTarget): RestoreWarning[] {
  const base = target.baseOs;
  if (!archived || !base) return [];
  const describe = (os: { id: string; versionId: string | null; versionCodename: string | null }) =>
    [os.id, os.versionId, os.versionCodename && `(${os.versionCodename})`].filter(Boolean).join(" ");
  if (archived.id !== base.id) {
    return [
      {
        kind: "other",
        message: `The archive comes from ${describe(archived)} and ${target.baseImage} is ${describe(base)}: package names, users and file locations may differ, so check the package list and the restore report after the build.`,
      },
    ];
  }
  const rank = (os: { versionId: string | null; versionCodename: string | null }) =>
    (os.versionCodename ? releaseRank(base.id, os.versionCodename) : null) ?? (os.versionId ? releaseRank(base.id, os.versionId) : null);
  const from = rank(archived);
  const to = rank(base);
  if (from !== null && to !== null && to < from) {
    return [
      {
        kind: "other",
        message: `${target.baseImage} (${describe(base)}) is older than the archived ${describe(archived)}: choose a newer base image unless an older one is what you want.`,
      },
    ];
  }
  return [];
}

/** The names whose availability the caller checked: the hand-installed packages and their successors. */
function askedPackages(manifest: Manifest): Set<string> {
  const asked = new Set<string>();
  for (const pkg of manifest.packages) {
    if (!pkg.manual) continue;
    asked.add(pkg.name);
    for (const successor of findPackageRename(pkg.name)?.to ?? []) asked.add(successor);
  }
  return asked;
}

export function planRestore(input: RestorePlanInput): RestorePlan {
  const { target, archivedAccounts } = input;
  const warnings: RestoreWarning[] = [];
  // Versioned paths first: everything after works on the entries at the paths they are restored at.
  const versioned = input.stage ? mapVersionedPaths({ manifest: input.manifest, stage: input.stage, texts: input.keptTexts }) : null;
  const manifest = versioned?.manifest ?? input.manifest;
  if (versioned) warnings.push(...versioned.warnings);

  let selection = selectRestoreEntries(manifest);
  warnings.push(...selection.warnings);
  const identity = checkIdentity(manifest);
  warnings.push(...identity.warnings);

  const packages = planPackages({
    manifest,
    baseImage: target.baseImage,
    baseHasDpkg: target.baseHasDpkg,
    baseInstalledPackages: target.baseInstalledPackages,
    availablePackages: target.availablePackages,
  });
  warnings.push(...packages.warnings);

  const hasAccount = (path: string) => selection.accountFiles.some((file) => file === path);
  const archived = {
    passwd: hasAccount("/etc/passwd") ? archivedAccounts.passwd : undefined,
    group: hasAccount("/etc/group") ? archivedAccounts.group : undefined,
  };
  warnings.push(...findAccountCollisions({ archived, base: target.baseAccounts, baseImage: target.baseImage }));

  const archivedPackages: Record<string, string> = {};
  for (const pkg of manifest.packages) if (!has(archivedPackages, pkg.name)) archivedPackages[pkg.name] = pkg.version;
  // With the packages stage's facts, the new versions are known, and the distribution's own rules run first.
  const stageVersions: Record<string, string> = {};
  for (const [name, pkg] of Object.entries(input.stage?.packages ?? {})) stageVersions[name] = pkg.version;
  const distributionRules = input.stage
    ? mineDistributionRules({
        stage: input.stage,
        archivedPackages,
        archivedPaths: new Set(manifest.entries.map((entry) => entry.path)),
      })
    : [];
  const matches = [
    ...toRuleMatches(distributionRules),
    ...matchMigrationRules({
      // Upgrade rules run in the image, as data conversions (below), never in the restore script.
      rules: input.migrationRules.filter(isFileRule),
      archivedPackages,
      // The stage holds every package the new image will have: what it lacks is absent.
      newVersions: input.stage
        ? stageVersions
        : newVersionsOf(new Set(input.migrationRules.filter(isFileRule).map((rule) => rule.package)), target, askedPackages(manifest)),
    }),
  ];
  const news = input.stage ? newsBetweenVersions({ stage: input.stage, archivedPackages }) : null;

  const debconf = planDebconf({
    manifest,
    baseHasDpkg: target.baseHasDpkg,
    baseInstalledPackages: target.baseInstalledPackages,
  });
  warnings.push(...debconf.warnings);

  // The data conversions (issue 15): what the new versions cannot read as archived is converted in the build.
  const newPackages: Record<string, string | null> = input.stage
    ? stageVersions
    : newVersionsOf(new Set([...manifest.packages.map((pkg) => pkg.name), ...packages.install]), target, askedPackages(manifest));
  const conversions = planConversions({
    manifest,
    payloadEntries: selection.payloadEntries,
    archivedPackages,
    newPackages,
    stage: input.stage ?? null,
    baseImage: target.baseImage,
    oldReleaseImage: input.oldReleaseImage ?? null,
    rules: input.migrationRules,
    archivedTexts: input.archivedTexts ?? {},
  });
  warnings.push(...conversions.warnings);
  // Raw files a conversion does not read (a cluster loaded from its capture) stay out of the build context.
  const skipped = conversions.skipPayload ?? [];
  if (skipped.length) {
    const kept = (entry: ManifestEntry) => !skipped.some((folder) => entry.path === folder || entry.path.startsWith(`${folder}/`));
    selection = {
      ...selection,
      payloadEntries: selection.payloadEntries.filter(kept),
      metadataEntries: selection.metadataEntries.filter(kept),
    };
  }
  const install = [...new Set([...packages.install, ...conversions.install])].sort();

  const generated = generateDockerfile({
    baseImage: target.baseImage,
    manifest,
    install,
    hasPayload: selection.payloadEntries.length > 0,
    hasAccountFiles: selection.accountFiles.length > 0,
    hasDeletions: selection.deletions.length > 0,
    ...(debconf.selections === null ? {} : { debconfSelections: DEBCONF_SELECTIONS_FILE }),
    conversions,
  });
  warnings.push(...generated.warnings);

  warnings.push(...compareSystems(manifest.os, target));

  const user = manifest.config.user.split(":")[0] ?? "";
  if (user !== "" && userWillExist(user, archived, target.baseAccounts) === false) {
    warnings.push({
      kind: "other",
      message: `The container ran as user "${printable(user)}", which will exist neither in ${target.baseImage} nor among the restored accounts, so the rebuilt container will not start: add the user to accounts/passwd or change USER in the Dockerfile.`,
    });
  }

  // The folders the staged copy may hold without an entry of its own: above the payload, and above
  // where a move rule puts something; "/" itself too, since the copy over / applies the stage's.
  const archivedDirs = new Set(selection.payloadEntries.filter((entry) => entry.type === "dir").map((entry) => entry.path));
  const moved = matches.flatMap((match) => {
    const { action } = match.rule;
    return match.status !== "not-applicable" && action.kind === "move" ? [action.to] : [];
  });
  const ancestors = [...new Set([...selection.ancestors, ...moved.flatMap(ancestorsOf)])].filter((path) => !archivedDirs.has(path)).sort();
  const restoreScript = generateRestoreScript({
    manifest,
    baseImage: target.baseImage,
    deletions: selection.deletions,
    ancestors: ["/", ...ancestors],
    rules: matches,
    entryCount: selection.metadataEntries.length,
  });
  const encoded = encodeRestoreEntries(selection.metadataEntries);

  const contextFiles: ContextFile[] = [
    { path: "Dockerfile", content: generated.dockerfile, mode: 0o644 },
    ...RESTORE_SCRIPT_FILES.map((name) => ({
      path: `kura/${name}`,
      content: input.scripts[name],
      mode: name.endsWith(".sh") ? 0o755 : 0o644,
    })),
    { path: "kura/restore-plan.sh", content: restoreScript, mode: 0o644 },
    { path: "kura/entries.nul", content: encoded.entriesNul, mode: 0o644 },
    { path: "kura/metadata.sh", content: encoded.metadataSh, mode: 0o644 },
    { path: "kura/dir-times.sh", content: encoded.dirTimesSh, mode: 0o644 },
  ];
  if (debconf.selections !== null) contextFiles.push({ path: DEBCONF_SELECTIONS_FILE, content: debconf.selections, mode: 0o644 });
  contextFiles.push(...conversions.contextFiles);

  const serviceChecks = proposeServiceChecks([...packages.install, ...packages.alreadyInBase]);
  // The configuration merges (issue 14), on the entries at their restored paths: the archived texts follow their
  // mapping, and the rules the restore script runs translate both sides first.
  const mappings = versioned?.mappings ?? [];
  const texts: Record<string, ArchivedConfigText> = {};
  for (const [path, text] of Object.entries(input.configTexts ?? {})) texts[mapRestoredPath(path, mappings)] = text;
  const merges = input.stage
    ? planConfigMerges({
        entries: selection.payloadEntries,
        texts,
        stage: input.stage,
        resolutions: input.mergeResolutions,
        rules: plannedActions(matches),
      })
    : null;
  // Texts that replace archived files: those rewritten to follow mapped paths, and merged ones (which follow them too).
  const payloadContent = new Map((versioned?.payloadContent ?? []).map((file) => [file.path, file.content]));
  for (const merge of merges ?? []) {
    if (merge.result === null) continue;
    payloadContent.set(merge.path, (mappings.length ? rewriteReferences(merge.result, mappings)?.content : null) ?? merge.result);
  }
  return {
    dockerfile: generated.dockerfile,
    restoreScript,
    contextFiles,
    packages: {
      install,
      alreadyInBase: packages.alreadyInBase,
      missing: packages.missing,
      decisions: packages.decisions,
    },
    migrationRules: matches,
    buildArgs: generated.buildArgs,
    warnings,
    secretsKept: identity.secretsKept,
    debconf: debconf.preseeded,
    serviceChecks: { proposed: serviceChecks, command: combineServiceChecks(serviceChecks) },
    // The packages stage knows every installed package (dovecot-core under dovecot-imapd); without it, the plan's.
    configChecks: proposeConfigChecks([...packages.install, ...packages.alreadyInBase, ...Object.keys(input.stage?.packages ?? {})]),
    accountFiles: selection.accountFiles,
    payloadEntries: selection.payloadEntries,
    leftOut: describeLeftOut(manifest),
    pathMappings: versioned ? { mappings: versioned.mappings, rewrites: versioned.rewrites } : null,
    restoredManifest: manifest,
    payloadContent: [...payloadContent].map(([path, content]) => ({ path, content })),
    distributionRules: input.stage ? distributionRules : null,
    news,
    merges,
    conversions: conversions.conversions,
    conversionStages: conversions.stages,
  };
}
