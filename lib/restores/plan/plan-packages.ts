// Which packages the rebuilt image installs: those installed by hand in the archived container
// (`manual`: not in the original base, not pulled in by apt; see lib/changes/packages/decide-packages.ts),
// by name without versions, minus those the new base already has; names the new base lacks are
// replaced by their documented successor when it exists there. Every archived package gets a
// decision with the reason, the archive's and the new base's.

import type { Manifest } from "@/lib/archives/manifest";
import { findPackageRename } from "@/lib/restores/plan/package-renames";
import { PACKAGE_NAME_PATTERN } from "@/lib/restores/plan/migration-rule-schema";
import type { MissingPackage, PackageDecision, PackageDecisionKind, PackagePlan, RestoreWarning } from "@/lib/restores/plan/types";

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

type ArchivedPackage = Manifest["packages"][number];

/** Why the archive counts a package as installed by hand or not; older manifests have only the mark. */
function archiveReason(pkg: ArchivedPackage): string {
  if (pkg.reason) return pkg.reason.text;
  return pkg.manual
    ? "marked as installed by hand in the archive"
    : "not marked as installed by hand in the archive (an older archive: base-system priorities and libraries were not counted)";
}

const NOT_MANUAL_KINDS: Record<string, PackageDecisionKind> = {
  "in-base-image": "in-base-image",
  "in-minimal-set": "in-minimal-set",
  dependency: "dependency",
};

/** Installed ones first, then by name. */
function sortDecisions(decisions: PackageDecision[]): PackageDecision[] {
  return decisions.sort((a, b) => Number(b.install) - Number(a.install) || a.name.localeCompare(b.name));
}

export function planPackages(options: PlanPackagesOptions): PackagePlan & { warnings: RestoreWarning[] } {
  const { manifest, baseImage, baseInstalledPackages, availablePackages } = options;
  const warnings: RestoreWarning[] = [];
  const manual = [...new Set(manifest.packages.filter((pkg) => pkg.manual).map((pkg) => pkg.name))].sort();
  const versionOf = new Map(manifest.packages.map((pkg) => [pkg.name, pkg.version]));
  // One per name (a manifest may list a name twice); the manual entry wins.
  const archived = new Map<string, ArchivedPackage>();
  for (const pkg of manifest.packages) if (!archived.get(pkg.name)?.manual) archived.set(pkg.name, pkg);
  const decisions = new Map<string, PackageDecision>();
  const decide = (name: string, kind: PackageDecisionKind, installs: string[], outcome: string | null) => {
    const pkg = archived.get(name);
    const why = pkg ? archiveReason(pkg) : "";
    const reason = outcome ? (why ? `${why}; ${outcome}` : outcome) : why;
    decisions.set(name, { name, version: pkg?.version ?? "", install: installs.length > 0, installs, kind, reason });
  };
  for (const pkg of archived.values()) {
    if (!pkg.manual) decide(pkg.name, (pkg.reason && NOT_MANUAL_KINDS[pkg.reason.kind]) ?? "not-marked", [], null);
  }
  const empty = (outcome: string) => {
    for (const name of manual) decide(name, "no-package-manager", [], outcome);
    return { install: [], alreadyInBase: [], missing: [], decisions: sortDecisions([...decisions.values()]), warnings };
  };

  if (manifest.packageManager !== "dpkg") {
    const message =
      manifest.packageManager === null
        ? "The archived container had no package manager Kura recognises, so the Dockerfile installs no packages: add the software the service needs to the Dockerfile."
        : `The archived container used ${manifest.packageManager}, and Kura installs packages only with apt (dpkg), so the Dockerfile installs none: add the service's packages to the Dockerfile (${listNames(manual) || "none were marked as installed by hand"}).`;
    warnings.push({ kind: "no-package-manager", message });
    return empty(`not installed: Kura installs packages only with apt, and the archive used ${manifest.packageManager ?? "none"}`);
  }
  if (!options.baseHasDpkg) {
    warnings.push({
      kind: "no-package-manager",
      message: manual.length
        ? `${baseImage} has no dpkg/apt, so the ${manual.length} package(s) installed by hand in the archived container are not installed (${listNames(manual)}): choose a Debian or Ubuntu base image, or install their equivalents in the Dockerfile.`
        : `${baseImage} has no dpkg/apt; the archived container had no packages installed by hand, so nothing is lost, but migration rules cannot check package versions.`,
    });
    return empty(`not installed: ${baseImage} has no dpkg/apt`);
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
      decide(name, "invalid-name", [], "not installed: not a valid Debian package name");
      continue;
    }
    if (has(baseInstalledPackages, name)) {
      alreadyInBase.push(name);
      decide(name, "already-in-new-base", [], `already in the new base (${baseImage})`);
      continue;
    }
    if (availablePackages === null || has(availablePackages, name)) {
      install.add(name);
      decide(name, "install", [name], availablePackages === null ? `installed (${baseImage}'s repositories were not asked)` : null);
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
      decide(name, "not-available", [], `not available on the new base (${baseImage}), and Kura knows no successor`);
      continue;
    }
    missing.push({ name, replacement: rename.to.join(" "), replacements: [...rename.to] });
    const inBase = rename.to.filter((successor) => has(baseInstalledPackages, successor));
    const available = rename.to.filter((successor) => !has(baseInstalledPackages, successor) && has(availablePackages, successor));
    const unavailable = rename.to.filter((successor) => !inBase.includes(successor) && !available.includes(successor));
    for (const successor of available) install.add(successor);
    const renamed = `renamed to ${rename.to.join(" and ")} on the new base (${baseImage})`;
    if (available.length || inBase.length) {
      const notes = [
        inBase.length ? `${inBase.join(" and ")} already in it` : "",
        unavailable.length ? `${unavailable.join(" and ")} not available` : "",
      ].filter(Boolean);
      decide(name, "renamed", available, notes.length ? `${renamed}: ${notes.join("; ")}` : renamed);
    } else {
      decide(name, "not-available", [], `not available on the new base (${baseImage}); ${renamed}, not available either`);
    }
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
  return { install: [...install].sort(), alreadyInBase, missing, decisions: sortDecisions([...decisions.values()]), warnings };
}
