// What an archive saves against keeping the service as a full image. Pure.
//
// Keeping a retired service "whole" means keeping its image plus what it wrote (`docker commit`
// adds the writable layer; volumes and bind mounts would have to be kept too), so the full image
// an archive stands in for is at least the image's size plus the bytes of the archived files.

export type SavingInput = { storedBytes: number; imageBytes: number | null; bytes: number };

/** The image plus the archived data, or null when the image's size is unknown. */
export function fullImageBytes(archive: Pick<SavingInput, "imageBytes" | "bytes">): number | null {
  return archive.imageBytes ? archive.imageBytes + archive.bytes : null;
}

/** 1 - stored/full as a percentage, negative when the archive takes more; null when the full size is unknown. */
export function savingPercent(storedBytes: number, fullBytes: number | null): number | null {
  return fullBytes ? (1 - storedBytes / fullBytes) * 100 : null;
}

/** "99.2%", "none" when the archive is not smaller, "–" when unknown. */
export function formatSaving(percent: number | null): string {
  if (percent === null) return "–";
  return percent > 0 ? `${percent.toFixed(1)}%` : "none";
}
