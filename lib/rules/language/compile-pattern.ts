// One rule pattern -> a test over container paths. Semantics: see match-rules.ts.
// Globbing itself is picomatch's; this module adds what the rule language says around it:
// anchoring, "matches everything below", dir-only patterns and "/x/**" (below /x, not /x).
import picomatch from "picomatch";

/**
 * Tests a "subject": the absolute path, with a "/" appended when it is a directory. The trailing
 * slash lets dir-only patterns and "matches everything below" share one cheap check.
 */
export type SubjectTest = (subject: string) => boolean;

export type CompiledPattern = {
  test: SubjectTest;
  /** The same test as regex source, over the subject without its leading "/". */
  source: string;
  /** Literal first folder of an anchored pattern ("var" for "/var/log/*"); null: any root. */
  root: string | null;
  /** Why the pattern is malformed; a malformed pattern matches nothing. */
  problem: string | null;
};

// gitignore has no braces, extglobs or leading-"!" negation (Kura's include is the rule's action).
const GLOB_OPTIONS = { dot: true, nonegate: true, noextglob: true, nobrace: true } as const;
// @types/picomatch types parse()'s options as {maxLength} only; at run time it takes them all.
const parseGlob = picomatch.parse as unknown as (glob: string, options: picomatch.PicomatchOptions) => { output: string };
const NEVER_SOURCE = "(?!)";
const NEVER: CompiledPattern = { test: () => false, source: NEVER_SOURCE, root: null, problem: null };
const GLOB_CHARS = /[*?[\]\\]/;

// gitignore reads these literally; picomatch would give them meaning, so they are escaped.
const LITERAL_OUTSIDE_CLASS = new Set(["+", "(", ")", "|", "{", "}", "@", "$", "^", "!"]);

type Normalized = { glob: string; problem: string | null; never: boolean };

/**
 * Rewrite a gitignore-style pattern into picomatch's dialect: "[!a]" -> "[^a]", literal
 * characters escaped, an unclosed "[" or lone trailing "\" taken literally (with a problem
 * reported, as git is lenient), "//" collapsed, and "/" never matched by a class.
 */
function normalize(pattern: string): Normalized {
  let glob = "";
  let problem: string | null = null;
  let never = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) {
        problem = 'The pattern ends with a lone "\\"; write "\\\\" for a literal backslash.';
        glob += "\\\\";
      } else {
        glob += `\\${next}`;
        i++;
      }
      continue;
    }
    if (char === "[") {
      const close = findClassEnd(pattern, i);
      if (close === -1) {
        problem = `The "[" at position ${i + 1} is never closed with "]"; write "\\[" for a literal bracket.`;
        glob += "\\[";
        continue;
      }
      let inner = pattern.slice(i + 1, close);
      const negated = inner.startsWith("!") || inner.startsWith("^");
      if (negated) inner = inner.slice(1);
      inner = inner.replaceAll("/", "");
      if (inner === "") never = true;
      const range = /(?:^|[^\\])([^\\\]])-([^\]])/.exec(inner);
      if (range?.[1] && range[2] && range[1] > range[2]) problem = `The range "${range[1]}-${range[2]}" in "[${pattern.slice(i + 1, close)}]" is not valid.`;
      glob += `[${negated ? "^" : ""}${inner}]`;
      i = close;
      continue;
    }
    if (char === "/" && glob.endsWith("/")) continue;
    glob += LITERAL_OUTSIDE_CLASS.has(char) ? `\\${char}` : char;
  }
  return { glob, problem, never: never || (problem?.startsWith("The range") ?? false) };
}

/** Index of the "]" closing the class opened at `open` ("[]a]" and "[!]a]" include the "]"), or -1. */
function findClassEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "[" && pattern[i + 1] === ":") {
      const end = pattern.indexOf(":]", i + 2);
      if (end !== -1) {
        i = end + 1;
        continue;
      }
    }
    if (pattern[i] === "]") return i;
  }
  return -1;
}

export function compilePattern(pattern: string): CompiledPattern {
  if (pattern.replace(/^\/+|\/+$/g, "") === "") return { ...NEVER, problem: "The pattern names no path." };
  const { glob: normalized, problem, never } = normalize(pattern);
  if (never) return { ...NEVER, problem };
  let body = normalized;
  const dirOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  const anchored = body.includes("/");
  body = body.replace(/^\/+/, "");
  const strictlyBelow = body.endsWith("/**");
  if (strictlyBelow) body = body.slice(0, -3);
  const first = body.split("/")[0] ?? "";
  const root = anchored && first !== "" && !GLOB_CHARS.test(first) ? first : null;
  // Most rules name a plain folder or file ("/var/cache"): a string comparison is enough.
  if (anchored && !strictlyBelow && !GLOB_CHARS.test(body)) {
    const exact = `/${body}`;
    const below = `/${body}/`;
    const test: SubjectTest = dirOnly ? (subject) => subject.startsWith(below) : (subject) => subject === exact || subject.startsWith(below);
    const escaped = body.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return { test, source: `^${escaped}${dirOnly ? "\\/.*" : "(?:\\/.*)?"}$`, root, problem };
  }
  const output = parseGlob(body, GLOB_OPTIONS).output;
  const tail = strictlyBelow ? "\\/.+" : dirOnly ? "\\/.*" : "(?:\\/.*)?";
  // Anchored: from the root. Unanchored ("*.pid"): any one name, found by a search that starts at
  // a segment boundary; cheaper than a "**/" prefix.
  const source = `${anchored ? "^" : "(?:^|\\/)"}(?:${output})${tail}$`;
  const regex = new RegExp(source, "s");
  return { test: (subject) => regex.test(subject.slice(1)), source, root, problem };
}
