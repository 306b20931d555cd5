// Which of a dpkg container's packages a restore installs, decided from facts, never from priorities:
// a package counts as installed by hand when the container has it, the original base image did not
// (its lowest layer's own package list, or Debian's minimal set when that list cannot be had) and
// apt did not install it only as a dependency (Auto-Installed in /var/lib/apt/extended_states).
// Every package gets the reason in words. Pure: callers read the files.

import type { DpkgPackage } from "./parse-dpkg";

export type PackageReasonKind = "installed-after-base" | "in-base-image" | "in-minimal-set" | "dependency";

/** Why a package is (or is not) counted as installed by hand, as a sentence a person can check. */
export type PackageReason = { kind: PackageReasonKind; text: string };

/** Where the list of the original base's packages came from. */
export type PackageBase = {
  source: "lowest-layer" | "minimal-set";
  /** The local image whose only layer is the container's lowest one ("debian:bullseye"), when one was found. */
  image: string | null;
  /** How the lowest layer's dpkg status was read; null for the minimal set. */
  readVia: "layer-folder" | "archive-api" | null;
  /** One sentence: what the list is, and for the minimal set why the layer's own list was not used. */
  description: string;
};

/** The original base's packages: the lowest layer's own dpkg status, or "use the minimal set" and why. */
export type BasePackageList =
  | { source: "lowest-layer"; names: ReadonlySet<string>; image: string | null; readVia: "layer-folder" | "archive-api" }
  | { source: "minimal-set"; why: string };

export type DecidedPackage = { name: string; version: string; architecture: string; manual: boolean; reason: PackageReason };

export type DecidePackagesOptions = {
  status: ReadonlyMap<string, DpkgPackage>;
  /** Names apt installed only as dependencies; null when apt's record could not be read (then none counts as one). */
  autoInstalled: ReadonlySet<string> | null;
  base: BasePackageList;
};

const NAMED_AT_MOST = 3;

function describeBase(base: BasePackageList): PackageBase {
  if (base.source === "minimal-set") {
    return {
      source: "minimal-set",
      image: null,
      readVia: null,
      description:
        "Debian's minimal set (the container's packages marked Essential: yes or Priority: required and what they depend on, " +
        `what debootstrap's minbase installs), because ${base.why}`,
    };
  }
  const layer = base.image ? `${base.image} (the container's lowest image layer)` : "the container's lowest image layer";
  const via = base.readVia === "layer-folder" ? "read from that layer's folder" : "read through the engine from a container of that image";
  return { source: "lowest-layer", image: base.image, readVia: base.readVia, description: `the packages of ${layer}, ${via}` };
}

function listNames(names: string[]): string {
  if (names.length <= NAMED_AT_MOST) return names.join(", ");
  return `${names.slice(0, NAMED_AT_MOST).join(", ")} and ${names.length - NAMED_AT_MOST} more`;
}

/** Every package with `manual` and its reason, sorted by name; and where the base's list came from. */
export function decidePackages(options: DecidePackagesOptions): { packages: DecidedPackage[]; base: PackageBase } {
  const { status, autoInstalled, base } = options;
  const providers = new Map<string, string[]>();
  for (const pkg of status.values()) {
    for (const virtual of [pkg.name, ...pkg.provides]) providers.set(virtual, [...(providers.get(virtual) ?? []), pkg.name]);
  }
  const minimal = base.source === "minimal-set" ? minimalSet(status, providers) : new Map<string, string>();
  const kinds = new Map<string, PackageReason>();
  const baseLabel = base.source === "lowest-layer" && base.image ? `${base.image}'s lowest layer` : "the image's lowest layer";
  for (const pkg of status.values()) {
    if (base.source === "lowest-layer" && base.names.has(pkg.name)) {
      kinds.set(pkg.name, { kind: "in-base-image", text: `in the original base image (${baseLabel})` });
    } else if (minimal.has(pkg.name)) {
      kinds.set(pkg.name, { kind: "in-minimal-set", text: `in Debian's minimal set (${minimal.get(pkg.name)})` });
    } else if (autoInstalled?.has(pkg.name)) {
      kinds.set(pkg.name, { kind: "dependency", text: "" }); // named below, once every package's kind is known
    } else {
      kinds.set(pkg.name, { kind: "installed-after-base", text: manualText(base, autoInstalled !== null) });
    }
  }

  // Who pulled a dependency in: installed packages whose Depends/Pre-Depends (else Recommends) name it or
  // a virtual name it provides; those installed by hand first.
  const rank = (name: string) =>
    ({ "installed-after-base": 0, dependency: 1, "in-minimal-set": 2, "in-base-image": 2 })[kinds.get(name)!.kind];
  const byRankThenName = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
  const requiredBy = new Map<string, Set<string>>();
  const recommendedBy = new Map<string, Set<string>>();
  const link = (into: Map<string, Set<string>>, from: string, names: string[]) => {
    for (const target of names.flatMap((name) => providers.get(name) ?? [])) {
      if (target === from) continue;
      const set = into.get(target) ?? new Set<string>();
      set.add(from);
      into.set(target, set);
    }
  };
  for (const pkg of status.values()) {
    link(requiredBy, pkg.name, pkg.depends);
    link(recommendedBy, pkg.name, pkg.recommends);
  }
  for (const [name, reason] of kinds) {
    if (reason.kind !== "dependency") continue;
    const dependents = [...(requiredBy.get(name) ?? [])].sort(byRankThenName);
    const recommenders = [...(recommendedBy.get(name) ?? [])].sort(byRankThenName);
    reason.text = dependents.length
      ? `installed automatically as a dependency of ${listNames(dependents)}`
      : recommenders.length
        ? `installed automatically, recommended by ${listNames(recommenders)}`
        : "installed automatically as a dependency";
  }

  const packages = [...status.values()]
    .map((pkg) => {
      const reason = kinds.get(pkg.name)!;
      return {
        name: pkg.name,
        version: pkg.version,
        architecture: pkg.architecture,
        manual: reason.kind === "installed-after-base",
        reason,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { packages, base: describeBase(base) };
}

/**
 * What debootstrap's minbase installs, among the installed packages: those marked Essential: yes or Priority:
 * required, and what they depend on (libc6 has priority optional, yet every minimal system has it). Name -> why.
 */
function minimalSet(status: ReadonlyMap<string, DpkgPackage>, providers: ReadonlyMap<string, string[]>): Map<string, string> {
  const minimal = new Map<string, string>();
  const queue: string[] = [];
  for (const pkg of status.values()) {
    if (!pkg.essential && pkg.priority !== "required") continue;
    minimal.set(pkg.name, pkg.priority === "required" ? "Priority: required" : "Essential: yes");
    queue.push(pkg.name);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const target of (status.get(next)?.depends ?? []).flatMap((name) => providers.get(name) ?? [])) {
      if (minimal.has(target)) continue;
      minimal.set(target, `a dependency of ${next}`);
      queue.push(target);
    }
  }
  return minimal;
}

function manualText(base: BasePackageList, aptKnown: boolean): string {
  if (!aptKnown) return "installed after the base; apt's record of dependencies could not be read, so it counts as installed by hand";
  if (base.source === "minimal-set") return "not in Debian's minimal set, and apt did not install it as a dependency (apt-mark manual)";
  return "installed with apt after the base (apt-mark manual)";
}
