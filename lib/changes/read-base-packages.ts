import type { BasePackageList } from "@/lib/changes/packages/decide-packages";
import { parseDpkgStatus } from "@/lib/changes/packages/parse-dpkg";
import { readLowestLayerFile, type ImageOfContainer } from "@/lib/docker/read-lowest-layer-file";
import type { ReadWarning } from "@/lib/docker/read-warning";
import type { EngineConnection } from "@/lib/docker/types";

// The original base image's own package list, for deciding which packages a restore installs
// (decide-packages.ts): dpkg's status in the container's lowest image layer. When that cannot be had
// (the layer is not a plain OS, no way to read it, over the limit), the decision falls back to
// Debian's minimal set and says why. Never fails the detection: an engine error is a reason too.

/** dpkg's status of a base image is a few MiB; past this, the base's list is not read (and a warning says so). */
export const BASE_DPKG_STATUS_MAX_BYTES = 64 * 1024 * 1024;

export async function readBasePackages(
  engine: EngineConnection,
  image: ImageOfContainer,
  options: { layerAccess?: "auto" | "archive-api" } = {},
): Promise<{ base: BasePackageList; warnings: ReadWarning[] }> {
  try {
    const file = await readLowestLayerFile(engine, image, "/var/lib/dpkg/status", {
      maxBytes: BASE_DPKG_STATUS_MAX_BYTES,
      layerAccess: options.layerAccess,
    });
    if (!file.read) return { base: { source: "minimal-set", why: file.why }, warnings: file.warning ? [file.warning] : [] };
    const names = new Set(parseDpkgStatus(file.bytes.toString("utf8")).keys());
    return { base: { source: "lowest-layer", names, image: file.image, readVia: file.readVia }, warnings: [] };
  } catch (error) {
    const why = `the engine could not show the lowest image layer (${error instanceof Error ? error.message : String(error)})`;
    return { base: { source: "minimal-set", why }, warnings: [] };
  }
}
