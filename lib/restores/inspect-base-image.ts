import { parseDpkgStatus } from "@/lib/changes/packages/parse-dpkg";
import { parseOsRelease } from "@/lib/containers/parse-os-release";
import { readContainerFile } from "@/lib/docker/read-container-file";
import { createContainer, removeContainer, runProbe } from "@/lib/docker/run-container";
import { inspectImage } from "@/lib/docker/inspect-image";
import type { EngineConnection } from "@/lib/docker/types";
import { env } from "@/lib/env";
import { notFound } from "@/lib/api/app-error";
import { parseAptPolicy } from "@/lib/restores/plan/parse-apt-policy";
import { processSingleton } from "@/lib/process-singleton";

// What a restore plan needs to know about the base image: its OS, what dpkg has installed, its
// accounts, and (when the build network reaches its repositories) which packages exist there.
// Read from a created, never started, container; the repository check runs one short-lived
// container on the build network with Kura's own command as its entrypoint (the image's ENTRYPOINT
// and CMD never run), killed and removed after PROBE_TIMEOUT_MS. Both are cached per image id:
// images do not change.

export type BaseImageFacts = {
  imageId: string;
  os: { id: string; versionId: string | null; versionCodename: string | null } | null;
  installedPackages: Record<string, string>;
  hasDpkg: boolean;
  accounts: { passwd: string; group: string } | null;
};

type Cache = { facts: Map<string, BaseImageFacts>; available: Map<string, Record<string, string> | null> };
const cache = processSingleton("base-images", (): Cache => ({ facts: new Map(), available: new Map() }));

const LABELS = { "kura.role": "restore-probe" };

export async function inspectBaseImage(engine: EngineConnection, image: string): Promise<BaseImageFacts> {
  const facts = await inspectImage(engine, image);
  if (!facts) throw notFound("image_not_found", `The engine has no image "${image}". Pick one of its images as the base.`);
  const cached = cache.facts.get(`${engine.id}:${facts.id}`);
  if (cached) return cached;
  const { id } = await createContainer(engine, { image, labels: LABELS });
  try {
    const [osRelease, status, passwd, group] = await Promise.all([
      readContainerFile(engine, id, "/etc/os-release"),
      readContainerFile(engine, id, "/var/lib/dpkg/status", 64 * 1024 * 1024),
      readContainerFile(engine, id, "/etc/passwd"),
      readContainerFile(engine, id, "/etc/group"),
    ]);
    const os = osRelease ? parseOsRelease(osRelease.toString("utf8")) : null;
    const installed = status ? parseDpkgStatus(status.toString("utf8")) : new Map();
    const result: BaseImageFacts = {
      imageId: facts.id,
      os: os ? { id: os.id, versionId: os.versionId, versionCodename: os.versionCodename } : null,
      installedPackages: Object.fromEntries(
        [...installed.values()].filter((pkg) => pkg.status.endsWith(" installed")).map((pkg) => [pkg.name, pkg.version]),
      ),
      hasDpkg: status !== null,
      accounts: passwd && group ? { passwd: passwd.toString("utf8"), group: group.toString("utf8") } : null,
    };
    cache.facts.set(`${engine.id}:${facts.id}`, result);
    return result;
  } finally {
    await removeContainer(engine, id).catch(() => undefined);
  }
}

// A fixed script; package names arrive as positional arguments after "--", never inside the script
// text (and the manifest schema allows only Debian package names).
const PROBE_SCRIPT = 'apt-get update -qq >/dev/null 2>&1 || exit 3; apt-cache policy -- "$@"';
export const PROBE_TIMEOUT_MS = 120_000;

/**
 * Which of `names` the base's repositories can install (name -> candidate version), or null when
 * they could not be asked (no build network, no apt). Runs `apt-get update` once per image. A probe
 * that outlives PROBE_TIMEOUT_MS rejects with AppError 504 "probe_timeout".
 */
export async function checkAvailablePackages(
  engine: EngineConnection,
  image: BaseImageFacts,
  names: string[],
): Promise<Record<string, string> | null> {
  if (!image.hasDpkg || names.length === 0) return names.length === 0 ? {} : null;
  const key = `${engine.id}:${image.imageId}:${[...names].sort().join(",")}`;
  if (cache.available.has(key)) return cache.available.get(key) ?? null;
  const result = await runProbe(engine, {
    image: image.imageId,
    argv: ["/bin/sh", "-c", PROBE_SCRIPT, "probe", ...names],
    networkMode: env.KURA_BUILD_NETWORK ?? "default",
    labels: LABELS,
    timeoutMs: PROBE_TIMEOUT_MS,
    purpose: "asking the base image's package repositories which packages exist",
  });
  const available = result.exitCode === 0 ? parseAptPolicy(result.output) : null;
  cache.available.set(key, available);
  return available;
}
