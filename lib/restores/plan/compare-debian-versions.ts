// dpkg's version ordering (deb-version(7)): [epoch:]upstream[-revision], compared epoch first
// (numerically), then upstream, then revision, each with dpkg's mixed letter/number algorithm in
// which "~" sorts before everything, even the end of the string. Pure.

export type DebianVersion = { epoch: number; upstream: string; revision: string };

const VERSION_PATTERN = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

/** "2:4.17.12+dfsg-0+deb12u1" -> { epoch: 2, upstream: "4.17.12+dfsg", revision: "0+deb12u1" }, or null when malformed. */
export function parseDebianVersion(version: string): DebianVersion | null {
  const trimmed = version.trim();
  const match = VERSION_PATTERN.exec(trimmed);
  if (!match?.[2]) return null;
  const upstream = match[2];
  // A colon in the upstream part is only allowed when an epoch is present (as in dpkg).
  if (match[1] === undefined && upstream.includes(":")) return null;
  return { epoch: match[1] === undefined ? 0 : Number(match[1]), upstream, revision: match[3] ?? "" };
}

export function isValidDebianVersion(version: string): boolean {
  return parseDebianVersion(version) !== null;
}

/** The version without its "N:" epoch prefix ("2:3.6.25-1" -> "3.6.25-1"). */
export function stripEpoch(version: string): string {
  return /^\d+:/.test(version) ? version.slice(version.indexOf(":") + 1) : version;
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

/** dpkg's order(): digits and the end weigh 0, "~" -1, letters their code, anything else code + 256. */
function order(ch: string): number {
  if (ch === "") return 0;
  if (isDigit(ch)) return 0;
  if (ch === "~") return -1;
  if (/[A-Za-z]/.test(ch)) return ch.charCodeAt(0);
  return ch.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp over one part (upstream or revision). */
function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charAt(i))) || (j < b.length && !isDigit(b.charAt(j)))) {
      const ac = order(a.charAt(i));
      const bc = order(b.charAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charAt(i) === "0") i++;
    while (b.charAt(j) === "0") j++;
    let firstDiff = 0;
    while (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charAt(i))) return 1;
    if (isDigit(b.charAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/**
 * -1, 0 or 1 as dpkg --compare-versions orders a and b. Malformed versions are compared as
 * plain strings after the well-formed ones' rules (dpkg would refuse them; callers validate first).
 */
export function compareDebianVersions(a: string, b: string): -1 | 0 | 1 {
  const left = parseDebianVersion(a) ?? { epoch: 0, upstream: a.trim(), revision: "" };
  const right = parseDebianVersion(b) ?? { epoch: 0, upstream: b.trim(), revision: "" };
  const result =
    left.epoch !== right.epoch
      ? left.epoch - right.epoch
      : comparePart(left.upstream, right.upstream) || comparePart(left.revision, right.revision);
  return result < 0 ? -1 : result > 0 ? 1 : 0;
}
