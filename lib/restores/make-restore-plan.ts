import { AppError } from "@/lib/api/app-error";
import type { Manifest } from "@/lib/archives/manifest";
import { store } from "@/lib/store/store";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { db } from "@/lib/db";
import { listImages } from "@/lib/docker/list-images";
import { getEngine, LOCAL_ENGINE_ID, type Engine } from "@/lib/engines/engine-registry";
import { defaultBaseImage, findReleaseImage } from "@/lib/restores/plan/choose-base-image";
import { nonDistributionBase, warnBaseNotArchived } from "@/lib/restores/plan/warn-base-not-archived";
import { findPackageRename } from "@/lib/restores/plan/package-renames";
import { planRestore, type RestorePlan } from "@/lib/restores/plan/plan-restore";
import { isAccountFile } from "@/lib/restores/plan/restore-paths";
import { checkAvailablePackages, inspectBaseImage, type BaseImageFacts } from "./inspect-base-image";
import { listMigrationRules } from "./migration-rule-store";
import { listMergeResolutions } from "./merge-resolution-store";
import { readRestoreScripts } from "./read-restore-scripts";
import { readKeptTexts } from "./read-kept-texts";
import { mapRestoredPath, mapVersionedPaths, versionedPathNeedles } from "@/lib/restores/plan/map-versioned-paths";
import type { RestorePlanView } from "./types";
import { findLabelledImage } from "@/lib/docker/find-labelled-image";
import { PACKAGES_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import { MERGE_MAX_BYTES, wantedStageFiles, type ArchivedConfigText, type MergeResolution } from "@/lib/restores/plan/plan-config-merges";
import { PACKAGES_STAGE_LABEL, packagesStageKey } from "@/lib/restores/package-stage/packages-stage-key";
import { asText, readPackageStage } from "@/lib/restores/package-stage/read-package-stage";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import { rememberStageFacts, stageFactsKey } from "@/lib/restores/package-stage/stage-facts-cache";
import { manifestFingerprint } from "@/lib/archives/manifest-fingerprint";
import { PYTHON_VENV_TEXT_MAX_BYTES, pythonVenvTextsWanted } from "@/lib/restores/plan/conversions/plan-python-venv";

// The restore plan for an archive and a base image: gathers the facts (the manifest, the archived
// account files, the base image's OS, packages and accounts, what its repositories offer, the
// migration rules) and hands them to the pure planner in lib/restore.

export type PreparedPlan = {
  view: RestorePlanView;
  plan: RestorePlan;
  manifest: Manifest;
  manifestJson: Buffer;
  engine: Engine;
  base: BaseImageFacts | null;
  archivedAccounts: { passwd?: string; group?: string; shadow?: string; gshadow?: string };
  /** The label value of this plan's packages stage (the restore builds it with it; a preview finds it by it). */
  packagesStageKey: string | null;
  /** The packages stage's facts the plan used (null: not known yet). */
  stage: PackageStageFacts | null;
};

/** The archived and pristine texts of the manifest's conffiles that have a pristine version (each at most 1 MiB). */
async function readConfigTexts(manifest: Manifest): Promise<Record<string, ArchivedConfigText>> {
  const texts: Record<string, ArchivedConfigText> = {};
  const read = async (sha256: string, size: number | undefined) =>
    size !== undefined && size <= MERGE_MAX_BYTES ? asText(await readBlob(sha256)) : null;
  for (const entry of manifest.entries) {
    if (entry.type !== "file" || !entry.conffile || !entry.sha256 || !entry.pristineSha256 || entry.path in texts) continue;
    texts[entry.path] = { edited: await read(entry.sha256, entry.size), pristine: await read(entry.pristineSha256, entry.pristineSize) };
  }
  return texts;
}

/** The small archived texts the conversion planners read (pythonVenvTextsWanted), by path: UTF-8 text only. */
async function readArchivedTexts(manifest: Manifest, wanted: readonly string[]): Promise<Record<string, string>> {
  const paths = new Set(wanted);
  const texts: Record<string, string> = {};
  if (paths.size === 0) return texts;
  for (const entry of manifest.entries) {
    if (entry.type !== "file" || !entry.sha256 || !paths.has(entry.path) || entry.size > PYTHON_VENV_TEXT_MAX_BYTES) continue;
    const text = asText(await readBlob(entry.sha256));
    if (text !== null) texts[entry.path] = text;
  }
  return texts;
}

async function readBlob(sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The files whose new defaults a plan needs from the packages stage: the archived configuration files, at their own
 * paths and where versioned paths map them (php/7.4 -> php/8.4, known once the stage's packages are).
 */
export function stageFilesWanted(manifest: Manifest): (packages: PackageStageFacts["packages"]) => string[] {
  const archived = wantedStageFiles(manifest.entries);
  return (packages) => {
    const { mappings } = mapVersionedPaths({ manifest, stage: { packages } });
    return [...new Set([...archived, ...archived.map((file) => mapRestoredPath(file, mappings))])];
  };
}

/**
 * The packages stage's facts for a plan (stageFilesWanted says which files). Read once per image and manifest (the
 * image never changes, and the manifest decides the files): the preview after a restore, or a restore after
 * a preview, does not read it again.
 */
export function readStageForPlan(engine: Engine, imageId: string, manifest: Manifest, signal?: AbortSignal): Promise<PackageStageFacts> {
  return rememberStageFacts(stageFactsKey(engine.id, imageId, manifestFingerprint(manifest)), () =>
    readPackageStage(engine, imageId, stageFilesWanted(manifest), { signal }),
  );
}

export async function loadArchiveForRestore(archiveId: string) {
  const summary = await getArchiveSummary(archiveId);
  if (summary.state !== "complete")
    throw new AppError(
      409,
      "archive_not_complete",
      `Archive "${summary.name}" is ${summary.state}; only a complete archive can be restored or exported.`,
    );
  const row = await readManifest(archiveId);
  if (!row) throw new AppError(409, "archive_not_complete", `Archive "${summary.name}" has no manifest.`);
  const manifestJson = await readBlob(await manifestShaOf(archiveId));
  const archivedAccounts: PreparedPlan["archivedAccounts"] = {};
  for (const entry of row.entries) {
    if (entry.type !== "file" || !entry.sha256 || !isAccountFile(entry.path)) continue;
    archivedAccounts[entry.path.slice("/etc/".length) as keyof PreparedPlan["archivedAccounts"]] = (await readBlob(entry.sha256)).toString(
      "utf8",
    );
  }
  return { summary, manifest: row, manifestJson, archivedAccounts };
}

async function manifestShaOf(archiveId: string): Promise<string> {
  const row = await db.archive.findUniqueOrThrow({ where: { id: archiveId }, select: { manifestSha: true } });
  if (!row.manifestSha) throw new AppError(409, "archive_not_complete", "The archive has no manifest.");
  return row.manifestSha;
}

async function engineFor(requested: string | undefined, archiveEngineId: string): Promise<Engine> {
  if (requested) return getEngine(requested);
  try {
    return await getEngine(archiveEngineId);
  } catch {
    return getEngine(LOCAL_ENGINE_ID); // the archive's engine was removed since
  }
}

/**
 * Plan a restore. `baseImage` defaults to the newest local image of the archive's distribution.
 * `checkRepositories: false` skips asking the base's repositories which packages exist (the
 * bundle export does, to stay fast and work offline).
 */
export async function makeRestorePlan(
  archiveId: string,
  input: {
    engineId?: string;
    baseImage?: string;
    checkRepositories?: boolean;
    originalImage?: boolean;
    /** The packages stage's facts (a restore reads them once the stage is built): configuration is merged and versioned paths mapped with them. */
    stage?: PackageStageFacts;
    /** Look for this plan's packages stage on the engine (built by an earlier restore) and read its facts (the preview). */
    lookupStage?: boolean;
    mergeResolutions?: MergeResolution[];
  },
): Promise<PreparedPlan> {
  const { summary, manifest, manifestJson, archivedAccounts } = await loadArchiveForRestore(archiveId);
  const engine = await engineFor(input.engineId, summary.engine.id);
  const images = await listImages(engine);
  const tags = images.flatMap((image) => image.tags);
  const baseImage =
    input.baseImage ??
    (input.originalImage
      ? manifest.image.reference
      : (defaultBaseImage(manifest.os, tags, manifest.image.reference) ?? manifest.image.reference));
  let base: BaseImageFacts | null = null;
  try {
    base = await inspectBaseImage(engine, baseImage);
  } catch (error) {
    // Exporting for the original image, which the engine may no longer have, still works from the manifest.
    if (input.checkRepositories !== false || baseImage !== manifest.image.reference) throw error;
  }
  const migrationRules = await listMigrationRules();
  let availablePackages: Record<string, string> | null = null;
  let probeProblem: string | null = null;
  if (base && input.checkRepositories !== false && manifest.packageManager === "dpkg") {
    const wanted = manifest.packages.filter((pkg) => pkg.manual && !(pkg.name in base!.installedPackages)).map((pkg) => pkg.name);
    // The packages migration rules name too, so their new versions are known at plan time.
    const archivedNames = new Set(manifest.packages.map((pkg) => pkg.name));
    const rulePackages = migrationRules
      .filter((rule) => rule.enabled && archivedNames.has(rule.package) && !(rule.package in base!.installedPackages))
      .map((rule) => rule.package);
    const names = [...new Set([...wanted, ...wanted.flatMap((name) => findPackageRename(name)?.to ?? []), ...rulePackages])];
    try {
      availablePackages = await checkAvailablePackages(engine, base, names);
    } catch (error) {
      if (!(error instanceof AppError && error.code === "probe_timeout")) throw error;
      probeProblem = error.message;
    }
  }
  const configTexts = await readConfigTexts(manifest);
  const planInput = {
    manifest,
    archivedAccounts,
    target: {
      baseImage,
      baseOs:
        base?.os ??
        (manifest.os ? { id: manifest.os.id, versionId: manifest.os.versionId, versionCodename: manifest.os.versionCodename } : null),
      baseInstalledPackages: base?.installedPackages ?? {},
      baseHasDpkg: base ? base.hasDpkg : manifest.packageManager === "dpkg",
      baseAccounts: base?.accounts ?? null,
      availablePackages,
    },
    migrationRules,
    scripts: await readRestoreScripts(),
    configTexts,
    // People's resolutions of merge conflicts, saved for this archive (each applies to its new default only).
    mergeResolutions: input.mergeResolutions ?? (await listMergeResolutions(archiveId)),
    // For conversions that need the old versions' programs (issue 15): never a tag the engine does not have.
    oldReleaseImage: findReleaseImage(manifest.os, tags),
    archivedTexts: await readArchivedTexts(manifest, pythonVenvTextsWanted(manifest.entries)),
  };
  // With the stage: only the kept texts that name a path that moves are read (versioned paths, issue 14).
  const withStage = async (facts: PackageStageFacts) => ({
    ...planInput,
    stage: facts,
    keptTexts: await readKeptTexts(manifest, versionedPathNeedles({ manifest, stage: facts })),
  });
  let plan = planRestore(input.stage ? await withStage(input.stage) : planInput);
  const stageKey = packagesStageKey({
    dockerfile: plan.dockerfile,
    stage: PACKAGES_STAGE,
    baseImageId: base?.imageId ?? null,
    contextFiles: plan.contextFiles,
  });
  let stage = input.stage ?? null;
  if (!stage && input.lookupStage && stageKey) {
    // A restore of this archive onto this base built the same packages stage before: its facts are known now.
    const stageImage = await findLabelledImage(engine, PACKAGES_STAGE_LABEL, stageKey).catch(() => null);
    // Removed meanwhile, or unreadable: the preview goes on without the facts (the restore reads them itself).
    stage = stageImage ? await readStageForPlan(engine, stageImage, manifest).catch(() => null) : null;
    if (stage) plan = planRestore(await withStage(stage));
  }
  const warnings = [...plan.warnings];
  const baseWarning = warnBaseNotArchived(manifest, baseImage);
  if (baseWarning) warnings.push(baseWarning);
  if (input.checkRepositories !== false && availablePackages === null && manifest.packageManager === "dpkg")
    warnings.push({
      kind: "other",
      message: `Kura could not ask ${baseImage}'s package repositories which packages exist (${
        probeProblem ?? "is the build network, KURA_BUILD_NETWORK, able to reach them?"
      }). The build will tell.`,
    });
  const view: RestorePlanView = {
    archiveId,
    engineId: engine.id,
    baseImage,
    baseImageChoices: orderChoices(tags, manifest),
    dockerfile: plan.dockerfile,
    restoreScript: plan.restoreScript,
    packages: {
      install: plan.packages.install,
      alreadyInBase: plan.packages.alreadyInBase,
      missing: plan.packages.missing.map((pkg) => ({ name: pkg.name, replacement: pkg.replacement })),
      decisions: plan.packages.decisions,
      originalBase: manifest.packageBase ?? null,
    },
    packagesChecked: availablePackages !== null,
    migrationRules: plan.migrationRules,
    buildArgs: plan.buildArgs,
    warnings,
    secretsKept: plan.secretsKept,
    debconf: plan.debconf,
    serviceChecks: plan.serviceChecks,
    leftOut: plan.leftOut,
    pathMappings: plan.pathMappings,
    configChecks: plan.configChecks,
    // Absent until the packages stage's facts are read (the page says so).
    ...(plan.distributionRules && plan.news ? { distributionRules: plan.distributionRules, news: plan.news } : {}),
    merges:
      plan.merges?.map((merge) => ({
        path: merge.path,
        package: merge.package,
        status: merge.status,
        reason: merge.reason,
        pristineOrigin: merge.pristineOrigin,
      })) ?? null,
    conversions: plan.conversions,
  };
  return { view, plan, manifest, manifestJson, engine, base, archivedAccounts, packagesStageKey: stageKey, stage };
}

/** Images of the archive's distribution first (newest first per the planner's order), then the rest. */
function orderChoices(tags: string[], manifest: Manifest): string[] {
  const sameDistro = manifest.os ? tags.filter((tag) => tag.split(":")[0]?.endsWith(manifest.os!.id)) : [];
  // A base that is not a distribution's (its content is not archived) is offered first when the engine has it.
  const recordedBase = nonDistributionBase(manifest);
  const offered = recordedBase && tags.includes(recordedBase) ? [recordedBase] : [];
  return [...new Set([...offered, ...sameDistro.sort().reverse(), ...tags.sort()])];
}
