// Which packages the rebuilt image installs: those installed by hand in the archived container
// (dpkg's "manual" mark), by name without versions, minus those the base already has; names the
// new base lacks are replaced by their documented successor when it exists there.

import type { Manifest } from "@/lib/archives/manifest";
import { findPackageRename } from "@/lib/restores/plan/package-renames";
import { PACKAGE_NAME_PATTERN } from "@/lib/restores/plan/migration-rule-schema";
import type { MissingPackage, PackagePlan, RestoreWarning } from "@/lib/restores/plan/types";

export type PlanPackagesOptions = {
  manifest: Pick<Manifest, "packageManager" | "packages">;
  baseImage: string;
  baseHasDpkg: boolean;
  baseInstalledPackages: Readonly<Record<string, string>>;
  /** Candidate versions on the base's repositories; null when unknown (then every name is installed as is). */
  availablePackages: Readonly<Record<string, string>> | null;
};

const has = (record: Readonly<Record<string, unknown>>, key: string) => Object.prototype.hasOwnProperty.call(record, key);

function listNames(names: readonly string[], limit = 12): string {
  return names.length <= limit ? names.join(", ") : `${names.slice(0, limit).join(", ")} and ${names.length - limit} more`;
}

export function planPackages(options: PlanPackagesOptions): PackagePlan & { warnings: RestoreWarning[] } {
  const { manifest, baseImage, baseInstalledPackages, availablePackages } = options;
  const warnings: RestoreWarning[] = [];
  const empty = { install: [], alreadyInBase: [], missing: [], warnings };
  const manual = [...new Set(manifest.packages.filter((pkg) => pkg.manual).map((pkg) => pkg.name))].sort();
  const versionOf = new Map(manifest.packages.map((pkg) => [pkg.name, pkg.version]));

  if (manifest.packageManager !== "dpkg") {
    const message =
      manifest.packageManager === null
        ? "The archived container had no package manager Kura recognises, so the Dockerfile installs no packages: add the software the service needs to the Dockerfile."
        : `The archived container used ${manifest.packageManager}, and Kura installs packages only with apt (dpkg), so the Dockerfile installs none: add the service's packages to the Dockerfile (${listNames(manual) || "none were marked as installed by hand"}).`;
    warnings.push({ kind: "no-package-manager", message });
    return empty;
  }
  if (!options.baseHasDpkg) {
    warnings.push({
      kind: "no-package-manager",
      message: manual.length
        ? `${baseImage} has no dpkg/apt, so the ${manual.length} package(s) installed by hand in the archived container are not installed (${listNames(manual)}): choose a Debian or Ubuntu base image, or install their equivalents in the Dockerfile.`
        : `${baseImage} has no dpkg/apt; the archived container had no packages installed by hand, so nothing is lost, but migration rules cannot check package versions.`,
    });
    return empty;
  }

  const install = new Set<string>();
  const alreadyInBase: string[] = [];
  const missing: MissingPackage[] = [];
  for (const name of manual) {
    if (!PACKAGE_NAME_PATTERN.test(name)) {
      warnings.push({
        kind: "other",
        message: `The archived package name "${name}" is not a valid Debian package name, so it is not installed: install it by hand if the service needs it.`,
      });
      continue;
    }
    if (has(baseInstalledPackages, name)) {
      alreadyInBase.push(name);
      continue;
    }
    if (availablePackages === null || has(availablePackages, name)) {
      install.add(name);
      continue;
    }
    const rename = findPackageRename(name);
    const archived = versionOf.get(name);
    const label = archived ? `${name} (${archived} in the archive)` : name;
    if (!rename) {
      missing.push({ name, replacement: null, replacements: [] });
      warnings.push({
        kind: "missing-package",
        message: `${label} is not available on ${baseImage} and Kura knows no successor: look for its new name (apt-cache search) and add it to the Dockerfile's apt-get line, or the service may lack it.`,
      });
      continue;
    }
    missing.push({ name, replacement: rename.to.join(" "), replacements: [...rename.to] });
    const inBase = rename.to.filter((successor) => has(baseInstalledPackages, successor));
    const available = rename.to.filter((successor) => !has(baseInstalledPackages, successor) && has(availablePackages, successor));
    const unavailable = rename.to.filter((successor) => !inBase.includes(successor) && !available.includes(successor));
    for (const successor of available) install.add(successor);
    const parts = [
      available.length ? `installing ${available.join(" and ")} instead` : "",
      inBase.length ? `${inBase.join(" and ")} ${inBase.length > 1 ? "are" : "is"} already in the base` : "",
      unavailable.length
        ? `${unavailable.join(" and ")} ${unavailable.length > 1 ? "are" : "is"} not available either, so add an equivalent to the Dockerfile`
        : "",
    ].filter(Boolean);
    warnings.push({
      kind: "missing-package",
      message: `${label} is not available on ${baseImage}, where it was replaced by ${rename.to.join(" and ")}: ${parts.join("; ")}. Why: ${rename.source}.`,
    });
  }
  if (availablePackages === null && install.size) {
    warnings.push({
      kind: "other",
      message: `Which packages ${baseImage}'s repositories offer is unknown, so all ${install.size} package(s) are installed by their archived names; if apt-get reports one as missing, replace it in the Dockerfile with its new name.`,
    });
  }
  return { install: [...install].sort(), alreadyInBase, missing, warnings };
}
