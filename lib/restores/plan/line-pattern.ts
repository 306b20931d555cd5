// The line pattern of a `rewrite` migration rule, and its replacement. Rules come from people, so
// the pattern is not a regular expression (a hostile one could backtrack for hours, issue 11) but a
// glob over one whole line, the same language rewrite.awk runs inside the new base:
//   *   any run of bytes (possibly none)      ?   exactly one byte
//   \*  \?  \\   a literal *, ? or backslash  anything else: itself
// The pattern is anchored to the whole line (leading blanks included: write "*key" to allow them).
// Matching splits the pattern at each * into segments; the first must match at the start, the last
// at the end, each middle one at its leftmost place after the one before. That is exact for globs
// (a segment placed further right can only leave less room to the segments after it) and costs at
// most (line length x pattern length) byte comparisons: no backtracking beyond one segment.
// The replacement is text where \1 ... \9 stand for what the first to ninth wildcard (* or ?)
// matched, \n for a line break (one line may become several: mail_location -> mail_driver and
// mail_path) and \\ for a backslash; each * matches as little as it can (leftmost), which the
// replacement shows. Lines are compared as bytes (UTF-8 as written), like mawk under LC_ALL=C.

export const MAX_LINE_PATTERN_LENGTH = 500;
export const MAX_WILDCARDS = 9;

/** One position of a segment: a literal byte, or "?" (any one byte). */
type Token = { any: true } | { any: false; byte: string };
export type LinePattern = { segments: Token[][] };

export type ParsedLinePattern = { ok: true; pattern: LinePattern } | { ok: false; error: string };

/** Parses a pattern given as a byte string (latin1: one char per byte, see toBytes). */
function parseBytes(bytes: string): ParsedLinePattern {
  const segments: Token[][] = [[]];
  let wildcards = 0;
  for (let i = 0; i < bytes.length; i++) {
    const char = bytes[i]!;
    const current = segments[segments.length - 1]!;
    if (char === "\\") {
      const next = bytes[i + 1];
      if (next !== "*" && next !== "?" && next !== "\\")
        return { ok: false, error: `The "\\" at position ${i + 1} must be followed by *, ? or \\ (write \\\\ for a backslash).` };
      current.push({ any: false, byte: next });
      i++;
    } else if (char === "*") {
      wildcards++;
      segments.push([]);
    } else if (char === "?") {
      wildcards++;
      current.push({ any: true });
    } else current.push({ any: false, byte: char });
  }
  if (wildcards > MAX_WILDCARDS) return { ok: false, error: `A line pattern may hold at most ${MAX_WILDCARDS} wildcards (* and ?).` };
  return { ok: true, pattern: { segments } };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** UTF-8 bytes as a string of one char per byte. */
export function toBytes(text: string): string {
  let out = "";
  for (const byte of encoder.encode(text)) out += String.fromCharCode(byte);
  return out;
}

export function fromBytes(bytes: string): string {
  return decoder.decode(Uint8Array.from(bytes, (char) => char.charCodeAt(0)));
}

/** Why a line pattern is malformed, or null. */
export function checkLinePattern(pattern: string): string | null {
  if (pattern === "") return "A line pattern cannot be empty.";
  if (pattern.length > MAX_LINE_PATTERN_LENGTH) return `A line pattern may be at most ${MAX_LINE_PATTERN_LENGTH} characters.`;
  if (/[\n\r\0]/.test(pattern)) return "A line pattern is one line: no line breaks or NUL.";
  if (/^\**$/.test(pattern)) return "A line pattern of only * would rewrite every line; name something the line holds.";
  const parsed = parseBytes(toBytes(pattern));
  return parsed.ok ? null : parsed.error;
}

/** Why a replacement is malformed for a pattern with `wildcards` wildcards, or null. */
export function checkReplacement(replacement: string, wildcards: number): string | null {
  if (replacement.length > MAX_LINE_PATTERN_LENGTH) return `A replacement may be at most ${MAX_LINE_PATTERN_LENGTH} characters.`;
  if (/[\n\r\0]/.test(replacement)) return "A replacement is one line: no line breaks or NUL.";
  for (let i = 0; i < replacement.length; i++) {
    if (replacement[i] !== "\\") continue;
    const next = replacement[i + 1] ?? "";
    if (next === "\\") {
      i++;
      continue;
    }
    if (next === "n") {
      i++;
      continue;
    }
    if (!/^[1-9]$/.test(next))
      return `The "\\" at position ${i + 1} must be followed by a digit 1-9, n (a line break) or \\ (write \\\\ for a backslash).`;
    if (Number(next) > wildcards) return `\\${next} refers to wildcard ${next}, but the pattern has ${wildcards}.`;
    i++;
  }
  return null;
}

export function countWildcards(pattern: string): number {
  const parsed = parseBytes(toBytes(pattern));
  if (!parsed.ok) return 0;
  return parsed.pattern.segments.length - 1 + parsed.pattern.segments.flat().filter((token) => token.any).length;
}

function segmentAt(segment: Token[], line: string, at: number): boolean {
  if (at + segment.length > line.length) return false;
  for (let j = 0; j < segment.length; j++) {
    const token = segment[j]!;
    if (!token.any && line[at + j] !== token.byte) return false;
  }
  return true;
}

/** Each "?" of a segment placed at `at`, as [start, end) pairs. */
function questionSpans(segment: Token[], at: number): [number, number][] {
  return segment.flatMap((token, j) => (token.any ? [[at + j, at + j + 1] as [number, number]] : []));
}

/** The wildcards' spans, in pattern order, when the whole line (bytes) matches; else null. */
export function matchLineBytes(pattern: LinePattern, line: string): [number, number][] | null {
  const { segments } = pattern;
  const first = segments[0]!;
  if (segments.length === 1) return first.length === line.length && segmentAt(first, line, 0) ? questionSpans(first, 0) : null;
  const last = segments[segments.length - 1]!;
  const lastAt = line.length - last.length;
  if (lastAt < first.length || !segmentAt(first, line, 0) || !segmentAt(last, line, lastAt)) return null;
  const spans: [number, number][] = [...questionSpans(first, 0)];
  let position = first.length;
  for (let index = 1; index < segments.length - 1; index++) {
    const segment = segments[index]!;
    let at = position;
    while (at + segment.length <= lastAt && !segmentAt(segment, line, at)) at++;
    if (at + segment.length > lastAt) return null;
    spans.push([position, at], ...questionSpans(segment, at));
    position = at + segment.length;
  }
  spans.push([position, lastAt], ...questionSpans(last, lastAt));
  return spans;
}

/** The pattern compiled once, applied to many lines: the new line, or null when it does not match. */
export function compileRewrite(pattern: string, replacement: string): (line: string) => string | null {
  const parsed = parseBytes(toBytes(pattern));
  if (!parsed.ok || checkLinePattern(pattern) !== null) return () => null;
  const compiled = parsed.pattern;
  const template = toBytes(replacement);
  return (line) => {
    const bytes = toBytes(line);
    const spans = matchLineBytes(compiled, bytes);
    if (!spans) return null;
    let out = "";
    for (let i = 0; i < template.length; i++) {
      const char = template[i]!;
      const next = template[i + 1];
      if (char === "\\" && next === "\\") {
        out += "\\";
        i++;
      } else if (char === "\\" && next === "n") {
        out += "\n";
        i++;
      } else if (char === "\\" && next !== undefined && next >= "1" && next <= "9") {
        const span = spans[Number(next) - 1];
        if (span) out += bytes.slice(span[0], span[1]);
        i++;
      } else out += char;
    }
    return fromBytes(out);
  };
}
