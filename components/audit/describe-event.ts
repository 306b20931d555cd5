// How an audit event reads on the page: the detail as labelled values instead of JSON (sizes as the
// other pages print them), and where the target lives in the dashboard. Pure: the names of archives
// and restores come from the server.
import { formatBytes } from "@/components/ui/format";

export type DetailPart = { label: string; value: string };

const BYTES = /bytes$/i;

/** "storedBytes" -> "stored", "keepSecrets" -> "keep secrets", "imageBytes" -> "image". */
function labelOf(key: string): string {
  const words = key
    .replace(BYTES, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words || "bytes";
}

function valueOf(key: string, value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return BYTES.test(key) ? formatBytes(value) : value.toLocaleString("en");
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return value.join(", ");
  return JSON.stringify(value);
}

/** The detail object as labelled values, in the order it was recorded. */
export function describeDetail(detail: Record<string, unknown>): DetailPart[] {
  return Object.entries(detail).map(([key, value]) => ({ label: labelOf(key), value: valueOf(key, value) }));
}

/** The dashboard page of an event's target ("archive:<id>" -> /archives/<id>), or null when it has none. */
export function targetHref(target: string): string | null {
  const [kind, id] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  if (!/^[a-z0-9]{1,64}$/.test(id)) return null;
  if (kind === "archive") return `/archives/${id}`;
  if (kind === "restore") return `/restores/${id}`;
  return null;
}
