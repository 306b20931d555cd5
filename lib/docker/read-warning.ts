import type { ConfinedOpenError } from "./open-confined.mjs";

// What Kura could not read from a container, said to the person (on a detection's `warnings`, and
// an archive job's result) rather than skipped silently: the container may be hostile, and a file
// it made too large, or swapped for a FIFO, a device node or a symlink, must not hang Kura, exhaust
// its memory or lead it outside the container.

export type ReadWarningCode =
  /** Larger than Kura reads for that purpose (the limit is in the message). */
  | "file-too-large"
  /** Expected a regular file, found a FIFO, socket, device node, folder or symlink. */
  | "not-a-regular-file"
  /** The path led outside the container's layer folder (a folder on the way is a symlink). */
  | "outside-layer"
  /** Replaced between the listing and the read. */
  | "changed-during-read"
  /** A package database that is not what it claims, or over Kura's limits: package checks skipped. */
  | "package-database-refused"
  /** The image's own layers (above its base) could not be read: what the Dockerfile wrote is not among the changes. */
  | "image-layers-not-read"
  /** Pristine versions of conffiles that could not be fetched from their packages (issue 14): those files are not merged. */
  | "pristine-not-fetched"
  /** A capture recipe (issue 15) failed, timed out or printed more than the limit: its output is not archived. */
  | "capture-failed"
  /** Pausing or stopping the container for the copy failed, or starting it again afterwards did. */
  | "quiesce-failed";

export type ReadWarning = { code: ReadWarningCode; path: string | null; message: string };

/** A refused confined open as a warning about the container path (null when the file is simply gone). */
export function warningFromRefusal(error: ConfinedOpenError, containerPath: string, consequence: string): ReadWarning | null {
  switch (error.reason) {
    case "too-large":
      return {
        code: "file-too-large",
        path: containerPath,
        message: `${containerPath} is ${formatBytes(error.size ?? 0)}, over Kura's limit: ${consequence}.`,
      };
    case "not-a-file":
      return { code: "not-a-regular-file", path: containerPath, message: `${containerPath} ${error.detail}: ${consequence}.` };
    case "outside":
      return { code: "outside-layer", path: containerPath, message: `${containerPath} ${error.detail}: ${consequence}.` };
    case "changed":
      return {
        code: "changed-during-read",
        path: containerPath,
        message: `${containerPath} was replaced while Kura read it: ${consequence}.`,
      };
    default:
      return null;
  }
}

/** Bytes in a person's units (for messages). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
