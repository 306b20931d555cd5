// Which of an image's layers are "the base": the image it was built FROM. Its content comes back
// with the base (a distribution image as its newer release), so it is not listed as changes. Pure.

export type ImageBase = {
  /** The base as a person pulls it (debian:bookworm), null when no local image has exactly these layers. */
  reference: string | null;
  id: string | null;
  digest: string | null;
  /** How many of the image's layers (from the lowest) are the base's. */
  layers: number;
  /** A distribution image (debian, ubuntu): a restore re-fetches a newer release of it. */
  distribution: boolean;
  foundBy: "local-image" | "history" | "lowest-layer";
  /**
   * A base that is not a distribution image has its own content listed (and archived) when the person asked for it:
   * then only its distribution root (see findDistributionRoot) is left out. Absent or false otherwise.
   */
  contentListed?: boolean;
};

export type CandidateImage = { id: string; tags: string[]; digest: string | null; diffIds: string[] };

const DISTRIBUTIONS = new Set(["debian", "ubuntu"]);

/** "docker.io/library/debian:bookworm" -> "debian". */
function repositoryName(reference: string): string {
  const withoutDigest = reference.split("@")[0] ?? reference;
  const lastColon = withoutDigest.lastIndexOf(":");
  const repository = lastColon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, lastColon) : withoutDigest;
  return repository.replace(/^(?:docker\.io\/)?(?:library\/)?/, "");
}

export function isDistributionImage(reference: string | null): boolean {
  return reference !== null && DISTRIBUTIONS.has(repositoryName(reference));
}

/** A step that unpacks a root filesystem: how official base images start ("ADD file:… in / "). */
const ROOTFS_STEP = /^ADD (?:file:\S+|\S+\.tar(?:\.\w+)?) in \/\s*$/;

function preferredTag(tags: readonly string[]): string | null {
  if (!tags.length) return null;
  return [...tags].sort((a, b) => Number(isDistributionImage(b)) - Number(isDistributionImage(a)) || a.localeCompare(b))[0] ?? null;
}

/**
 * The base of an image with layers `diffIds` (lowest first) and their `steps`: the engine's image whose layers are
 * the longest proper prefix of them (tagged ones first, a distribution's tag first); else the layers up to the last
 * step that unpacked a root filesystem; else the lowest layer.
 */
export function findImageBase(
  image: { id: string; diffIds: readonly string[]; steps: readonly (string | null)[]; tags?: readonly string[] },
  candidates: readonly CandidateImage[],
): ImageBase {
  let best: CandidateImage | null = null;
  for (const candidate of candidates) {
    const count = candidate.diffIds.length;
    if (candidate.id === image.id || count === 0 || count >= image.diffIds.length) continue;
    if (!candidate.diffIds.every((diffId, index) => image.diffIds[index] === diffId)) continue;
    if (
      !best ||
      count > best.diffIds.length ||
      (count === best.diffIds.length && isDistributionImage(preferredTag(candidate.tags)) && !isDistributionImage(preferredTag(best.tags)))
    )
      best = candidate;
  }
  if (best) {
    const reference = preferredTag(best.tags);
    return {
      reference,
      id: best.id,
      digest: best.digest,
      layers: best.diffIds.length,
      distribution: isDistributionImage(reference),
      foundBy: "local-image",
    };
  }
  if (image.diffIds.length === 1) {
    // The image is a base itself (an imported or official single-layer image).
    const reference = preferredTag(image.tags ?? []);
    return { reference, id: image.id, digest: null, layers: 1, distribution: isDistributionImage(reference), foundBy: "lowest-layer" };
  }
  let lastRootfs = -1;
  image.steps.forEach((step, index) => {
    if (step && ROOTFS_STEP.test(step)) lastRootfs = index;
  });
  if (lastRootfs >= 0) return { reference: null, id: null, digest: null, layers: lastRootfs + 1, distribution: false, foundBy: "history" };
  return {
    reference: null,
    id: null,
    digest: null,
    layers: Math.min(1, image.diffIds.length),
    distribution: false,
    foundBy: "lowest-layer",
  };
}

/**
 * How many of the image's lowest layers are a distribution's root filesystem, below a base that is not a distribution
 * image (python:3.11 is debian plus Python built from source): the engine's distribution image whose layers are the
 * longest prefix of the image's, else the layers up to the last step that unpacked a root filesystem, else the lowest
 * layer. Never more than `baseLayers`.
 */
export function findDistributionRoot(
  image: { diffIds: readonly string[]; steps: readonly (string | null)[] },
  candidates: readonly CandidateImage[],
  baseLayers: number,
): number {
  let best = 0;
  for (const candidate of candidates) {
    const count = candidate.diffIds.length;
    if (count === 0 || count > baseLayers || count <= best || !isDistributionImage(preferredTag(candidate.tags))) continue;
    if (candidate.diffIds.every((diffId, index) => image.diffIds[index] === diffId)) best = count;
  }
  if (best) return best;
  let lastRootfs = -1;
  image.steps.forEach((step, index) => {
    if (index < baseLayers && step && ROOTFS_STEP.test(step)) lastRootfs = index;
  });
  return lastRootfs >= 0 ? lastRootfs + 1 : Math.min(1, baseLayers);
}
