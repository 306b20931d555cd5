import { fetchPackagePristines, type PackagePristineWant } from "@/lib/archives/fetch-package-pristines";
import type { PristineRead } from "@/lib/archives/read-pristine-conffiles";
import type { ConffileOf, InstalledPackage } from "@/lib/changes/detect-container-changes";
import type { PackageManager } from "@/lib/containers/get-container-detail";
import type { ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";

// The archive's second source of pristine conffiles (issue 14): those the image's layers do not hold (the package
// was installed in the container itself) are fetched from the old package (fetch-package-pristines.ts), in place in
// `pristine`. One warning says it when some could not be fetched; the entries' pristineWhy say why for each.

export type PristineConffile = { key: string; path: string; conffile: ConffileOf };

export type AddPackagePristinesOptions = {
  /** Off: no fetch (archiving without a network is then not slowed); the entries say so. */
  enabled: boolean;
  packageManager: PackageManager | null;
  packages: readonly InstalledPackage[];
  networkMode?: string;
  signal: AbortSignal;
  progress: (message: string) => void;
};

const MAX_LISTED = 5;

export async function addPackagePristines(
  engine: EngineConnection,
  imageId: string,
  conffiles: readonly PristineConffile[],
  pristine: Map<string, PristineRead>,
  options: AddPackagePristinesOptions,
): Promise<ReadWarning | null> {
  const missing = conffiles.filter((conffile) => !pristine.get(conffile.key)?.content);
  if (!missing.length || options.packageManager !== "dpkg") return null;
  const why = (conffile: PristineConffile) => pristine.get(conffile.key)?.why ?? "not read";
  if (!options.enabled) {
    for (const conffile of missing)
      pristine.set(conffile.key, { content: null, why: `${why(conffile)}; fetching it from its package was turned off for this archive` });
    return null;
  }
  const versions = new Map(options.packages.map((pkg) => [pkg.name, pkg.version]));
  const wants: PackagePristineWant[] = [];
  const byPath = new Map<string, PristineConffile>();
  for (const conffile of missing) {
    const version = versions.get(conffile.conffile.package);
    if (!version || !conffile.conffile.digest || byPath.has(conffile.path)) {
      const lacking = !version
        ? `${conffile.conffile.package} is not an installed package`
        : "no digest of its package's version was recorded";
      if (!byPath.has(conffile.path))
        pristine.set(conffile.key, { content: null, why: `${why(conffile)}; not fetched from its package: ${lacking}` });
      continue;
    }
    byPath.set(conffile.path, conffile);
    wants.push({
      path: conffile.path,
      package: conffile.conffile.package,
      version,
      kind: conffile.conffile.kind,
      md5: conffile.conffile.digest,
    });
  }
  if (!wants.length) return null;
  const packageCount = new Set(wants.map((want) => want.package)).size;
  options.progress(
    `Fetching the pristine versions of ${wants.length} configuration file(s) from ${packageCount} package(s) in the release's repository`,
  );
  const fetched = await fetchPackagePristines(engine, imageId, wants, { networkMode: options.networkMode, signal: options.signal });
  const notFetched: string[] = [];
  for (const want of wants) {
    const conffile = byPath.get(want.path)!;
    const read = fetched.read.get(want.path) ?? { content: null, why: "not fetched from its package" };
    if (read.content) pristine.set(conffile.key, read);
    else {
      pristine.set(conffile.key, { content: null, why: `${why(conffile)}; ${read.why}` });
      notFetched.push(`${want.path} (${want.package} ${want.version})`);
    }
  }
  if (!notFetched.length) return null;
  const listed =
    notFetched.slice(0, MAX_LISTED).join(", ") + (notFetched.length > MAX_LISTED ? `, and ${notFetched.length - MAX_LISTED} more` : "");
  const cause = fetched.problem ? `: ${fetched.problem}` : " (each file's entry says why)";
  return {
    code: "pristine-not-fetched",
    path: null,
    message:
      `The pristine versions of ${notFetched.length} configuration file(s) could not be fetched from their packages${cause}. ` +
      `A restore keeps those files as archived instead of merging them with the new defaults: ${listed}.`,
  };
}
