// A service built FROM an image that is not a distribution's (python:3.11, a company's base): Kura did
// not archive that base's content (it expects it to be fetched again), so a restore onto another
// base would lose it without a word. The plan says so, and offers the recorded base. Pure.

import type { Manifest } from "@/lib/archives/manifest";
import type { RestoreWarning } from "./types";

function repositoryOf(reference: string): string {
  const withoutDigest = reference.split("@")[0] ?? reference;
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The recorded base when it is not a distribution image (and not the image itself), else null. */
export function nonDistributionBase(manifest: Pick<Manifest, "image">): string | null {
  const base = manifest.image.base;
  // Its content archived on request: a distribution base under it is what a restore starts from.
  if (!base?.reference || base.distribution || base.contentListed || base.id === manifest.image.id) return null;
  return base.reference;
}

/** A warning when `baseImage` is not the recorded non-distribution base (or another tag of it). */
export function warnBaseNotArchived(manifest: Pick<Manifest, "image">, baseImage: string): RestoreWarning | null {
  const base = nonDistributionBase(manifest);
  if (!base || repositoryOf(baseImage) === repositoryOf(base)) return null;
  return {
    kind: "other",
    message:
      `The service's image was built FROM ${base}, which is not a distribution image: Kura did not archive what that base ` +
      `holds (only the layers above it). Restoring onto ${baseImage} will not bring it back; pick ${base} or a newer tag of it as the base.`,
  };
}
