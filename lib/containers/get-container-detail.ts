import { inspectContainer } from "@/lib/docker/inspect-container";
import { ContainerFileTooLarge, containerPathExists, readContainerFile } from "@/lib/docker/read-container-file";
import type { ContainerInspection } from "@/lib/docker/types";
import { getEngine } from "@/lib/engines/engine-registry";
import { maskEnv, type EnvVar } from "./mask-env";
import { parseOsRelease, type OsRelease } from "./parse-os-release";

export type PackageManager = "dpkg" | "rpm" | "apk";

export type ContainerDetail = Omit<ContainerInspection, "config"> & {
  engineId: string;
  engineName: string;
  config: Omit<ContainerInspection["config"], "env"> & { env: EnvVar[] };
  os: Pick<OsRelease, "id" | "versionId" | "prettyName" | "versionCodename"> | null;
  packageManager: PackageManager | null;
};

// Where each package manager keeps its database; the first that exists wins.
const PACKAGE_DATABASES: [PackageManager, string][] = [
  ["dpkg", "/var/lib/dpkg/status"],
  ["rpm", "/var/lib/rpm"],
  ["rpm", "/usr/lib/sysimage/rpm"],
  ["apk", "/lib/apk/db/installed"],
];

export async function detectPackageManager(
  engine: Parameters<typeof containerPathExists>[0],
  containerId: string,
): Promise<PackageManager | null> {
  for (const [manager, databasePath] of PACKAGE_DATABASES) {
    if (await containerPathExists(engine, containerId, databasePath)) return manager;
  }
  return null;
}

/** The container's os-release; null when it has none, or it is over the read limit (then `onTooLarge` is told). */
export async function readOsRelease(
  engine: Parameters<typeof readContainerFile>[0],
  containerId: string,
  onTooLarge?: (error: ContainerFileTooLarge) => void,
): Promise<OsRelease | null> {
  try {
    const text =
      (await readContainerFile(engine, containerId, "/etc/os-release")) ??
      (await readContainerFile(engine, containerId, "/usr/lib/os-release"));
    return text ? parseOsRelease(text.toString("utf8")) : null;
  } catch (error) {
    if (!(error instanceof ContainerFileTooLarge)) throw error;
    onTooLarge?.(error);
    return null;
  }
}

export async function getContainerDetail(engineId: string, containerRef: string): Promise<ContainerDetail> {
  const engine = await getEngine(engineId);
  const inspection = await inspectContainer(engine, containerRef);
  const [osRelease, packageManager] = await Promise.all([
    readOsRelease(engine, inspection.id),
    detectPackageManager(engine, inspection.id),
  ]);
  return {
    ...inspection,
    engineId: engine.id,
    engineName: engine.name,
    config: { ...inspection.config, env: maskEnv(inspection.config.env) },
    os: osRelease
      ? { id: osRelease.id, versionId: osRelease.versionId, prettyName: osRelease.prettyName, versionCodename: osRelease.versionCodename }
      : null,
    packageManager,
  };
}
