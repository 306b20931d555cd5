import { AppError } from "@/lib/api/app-error";
import type { Manifest } from "@/lib/archives/manifest";
import { store } from "@/lib/store/store";
import { getArchiveSummary, readManifest } from "@/lib/archives/archive-registry";
import { db } from "@/lib/db";
import { listImages } from "@/lib/docker/list-images";
import { getEngine, LOCAL_ENGINE_ID, type Engine } from "@/lib/engines/engine-registry";
import { defaultBaseImage } from "@/lib/restores/plan/choose-base-image";
import { nonDistributionBase, warnBaseNotArchived } from "@/lib/restores/plan/warn-base-not-archived";
import { findPackageRename } from "@/lib/restores/plan/package-renames";
import { planRestore, type RestorePlan } from "@/lib/restores/plan/plan-restore";
import { isAccountFile } from "@/lib/restores/plan/restore-paths";
import { checkAvailablePackages, inspectBaseImage, type BaseImageFacts } from "./inspect-base-image";
import { listMigrationRules } from "./migration-rule-store";
import { readRestoreScripts } from "./read-restore-scripts";
import { readKeptTexts } from "./read-kept-texts";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";
import { versionedPathNeedles } from "@/lib/restores/plan/map-versioned-paths";
import type { RestorePlanView } from "./types";

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
};

async function readBlob(sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
    /** The packages stage's facts (read once the stage is built): versioned paths are mapped with them. */
    stage?: PackageStageFacts;
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
  const plan = planRestore({
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
    ...(input.stage
      ? {
          stage: input.stage,
          // Only the texts that name a path that moves are read.
          keptTexts: await readKeptTexts(manifest, versionedPathNeedles({ manifest, stage: input.stage })),
        }
      : {}),
  });
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
  };
  return { view, plan, manifest, manifestJson, engine, base, archivedAccounts };
}

/** Images of the archive's distribution first (newest first per the planner's order), then the rest. */
function orderChoices(tags: string[], manifest: Manifest): string[] {
  const sameDistro = manifest.os ? tags.filter((tag) => tag.split(":")[0]?.endsWith(manifest.os!.id)) : [];
  // A base that is not a distribution's (its content is not archived) is offered first when the engine has it.
  const recordedBase = nonDistributionBase(manifest);
  const offered = recordedBase && tags.includes(recordedBase) ? [recordedBase] : [];
  return [...new Set([...offered, ...sameDistro.sort().reverse(), ...tags.sort()])];
}
