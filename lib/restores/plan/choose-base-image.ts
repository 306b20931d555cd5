// The default base image of a restore: the newest local image of the archived container's
// distribution, not older than the release it ran, else the distribution's official repository.

import type { Manifest } from "@/lib/archives/manifest";

type ManifestOs = Pick<NonNullable<Manifest["os"]>, "id" | "versionId" | "versionCodename">;

/** Release order: Debian by major version (sid above all), Ubuntu by YY.MM. */
const RELEASES: Record<string, Record<string, number>> = {
  debian: { jessie: 8, stretch: 9, buster: 10, bullseye: 11, bookworm: 12, trixie: 13, forky: 14, duke: 15, sid: 1000, unstable: 1000 },
  ubuntu: { xenial: 16.04, bionic: 18.04, focal: 20.04, jammy: 22.04, noble: 24.04, oracular: 24.1, plucky: 25.04, questing: 25.1 },
};

/** Distributions with an official Docker Hub repository of the same name. */
const OFFICIAL = new Set(["debian", "ubuntu"]);

export type ImageReference = { repository: string; tag: string };

/** "docker.io/library/debian:trixie" -> { repository: "debian", tag: "trixie" }; digests and <none> -> null. */
export function parseImageReference(reference: string): ImageReference | null {
  if (reference.includes("@") || reference.includes("<none>")) return null;
  const slash = reference.lastIndexOf("/");
  const colon = reference.lastIndexOf(":");
  const hasTag = colon > slash;
  let repository = hasTag ? reference.slice(0, colon) : reference;
  const tag = hasTag ? reference.slice(colon + 1) : "latest";
  repository = repository
    .replace(/^docker\.io\//, "")
    .replace(/^index\.docker\.io\//, "")
    .replace(/^library\//, "");
  if (!repository || !tag) return null;
  return { repository, tag };
}

/** The release rank of a tag ("trixie", "13", "13.1-slim", "bookworm-20240110-slim"), or null for aliases like "latest". */
export function releaseRank(distribution: string, tag: string): number | null {
  const releases = RELEASES[distribution];
  if (!releases) return null;
  const head = tag.split("-")[0] ?? "";
  const named = releases[head];
  if (named !== undefined) return named;
  const numeric = /^(\d+)(?:\.(\d+))?$/.exec(head);
  if (!numeric?.[1]) return null;
  if (distribution === "ubuntu") return Number(`${numeric[1]}.${numeric[2] ?? "0"}`);
  return Number(numeric[1]);
}

function osRank(os: ManifestOs): number | null {
  if (os.versionCodename) {
    const rank = releaseRank(os.id, os.versionCodename);
    if (rank !== null) return rank;
  }
  return os.versionId ? releaseRank(os.id, os.versionId) : null;
}

/**
 * The newest local image of the distribution `manifestOs` names (tags such as debian:trixie,
 * debian:13, debian:trixie-slim), if it is not older than the archived release; else
 * "<repository>:latest" of the original image's repository when it is the distribution's (or of
 * the official repository when originalImage is not given); null when the distribution is unknown.
 * Among equally new tags, plain ones ("trixie") come before variants ("trixie-slim").
 */
export function defaultBaseImage(manifestOs: ManifestOs | null, localImages: string[], originalImage?: string): string | null {
  if (!manifestOs) return null;
  const distribution = manifestOs.id;
  const minimum = osRank(manifestOs);
  const candidates: { image: string; rank: number; plain: boolean }[] = [];
  for (const image of localImages) {
    const reference = parseImageReference(image);
    if (!reference || reference.repository !== distribution) continue;
    const rank = releaseRank(distribution, reference.tag);
    if (rank === null || (minimum !== null && rank < minimum)) continue;
    candidates.push({ image, rank, plain: !reference.tag.includes("-") });
  }
  candidates.sort((a, b) => b.rank - a.rank || Number(b.plain) - Number(a.plain) || (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
  const best = candidates[0];
  if (best) return best.image;
  if (originalImage) {
    // The original's repository, registry included ("registry.local/debian:bullseye" -> "registry.local/debian").
    const withoutDigest = originalImage.split("@")[0] ?? "";
    const colon = withoutDigest.lastIndexOf(":");
    const repository = colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
    if (repository && repository.split("/").pop() === distribution) return `${repository}:latest`;
  }
  return OFFICIAL.has(distribution) ? `${distribution}:latest` : null;
}

/**
 * A local image of exactly the archived release (debian:bullseye, debian:11 for Debian 11), plain tags first: the
 * old release's programs and repository, for conversions that need the old versions (issue 15). Null when none.
 */
export function findReleaseImage(manifestOs: ManifestOs | null, localImages: string[]): string | null {
  if (!manifestOs) return null;
  const rank = osRank(manifestOs);
  if (rank === null) return null;
  const matches = localImages
    .map((image) => ({ image, reference: parseImageReference(image) }))
    .filter(({ reference }) => reference?.repository === manifestOs.id && releaseRank(manifestOs.id, reference.tag) === rank)
    .map(({ image, reference }) => ({ image, plain: !reference!.tag.includes("-") }))
    .sort((a, b) => Number(b.plain) - Number(a.plain) || (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
  return matches[0]?.image ?? null;
}
