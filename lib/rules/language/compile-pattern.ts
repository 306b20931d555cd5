// One rule pattern -> a test over container paths. Semantics: see match-rules.ts.
// The glob is matched by match-glob.ts in time linear in the path times the pattern (no regex
// backtracking: rule patterns are user input); this module adds what the rule language says
// around it: anchoring, "matches everything below", dir-only patterns and "/x/**" (below /x, not /x).
import { matchName, matchPrefixes, type GlobAtom, type GlobSegment } from "@/lib/rules/language/match-glob";

/**
 * Tests a "subject": the absolute path, with a "/" appended when it is a directory. The trailing
 * slash lets dir-only patterns and "matches everything below" share one cheap check.
 */
export type SubjectTest = (subject: string) => boolean;

export type CompiledPattern = {
  test: SubjectTest;
  /**
   * The same test as regex source, over the subject without its leading "/". For reading and tests
   * only: it may backtrack on hostile input, so nothing matches paths with it.
   */
  source: string;
  /** Literal first folder of an anchored pattern ("var" for "/var/log/*"); null: any root. */
  root: string | null;
  /** Why the pattern is malformed; a malformed pattern matches nothing. */
  problem: string | null;
};

const NEVER_SOURCE = "(?!)";
const NEVER: CompiledPattern = { test: () => false, source: NEVER_SOURCE, root: null, problem: null };
const GLOB_CHARS = /[*?[\]\\]/;

// gitignore reads these literally; they are escaped so that the parser below takes them as such.
const LITERAL_OUTSIDE_CLASS = new Set(["+", "(", ")", "|", "{", "}", "@", "$", "^", "!"]);

type Normalized = { glob: string; problem: string | null; never: boolean };

/**
 * Rewrite a gitignore-style pattern into one plain dialect: "[!a]" -> "[^a]", literal
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
      if (range?.[1] && range[2] && range[1] > range[2])
        problem = `The range "${range[1]}-${range[2]}" in "[${pattern.slice(i + 1, close)}]" is not valid.`;
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

// POSIX classes inside a bracket expression ("[[:digit:]]"), as JavaScript class contents.
const POSIX_CLASSES: Record<string, string> = {
  alnum: "a-zA-Z0-9",
  alpha: "a-zA-Z",
  ascii: "\\x00-\\x7F",
  blank: " \\t",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "\\x21-\\x7E",
  lower: "a-z",
  print: "\\x20-\\x7E",
  punct: "\\-!\"#$%&'()\\*+,./:;<=>?@\\[\\\\\\]^_`{|}~",
  space: " \\t\\r\\n\\v\\f",
  upper: "A-Z",
  word: "A-Za-z0-9_",
  xdigit: "A-Fa-f0-9",
};

/** "[a-z]" / "[^a]" (contents as normalize() wrote them) -> a one-character test that never matches "/". */
function classAtom(inner: string, negated: boolean): GlobAtom {
  let body = "";
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    if (char === "[" && inner[i + 1] === ":") {
      const end = inner.indexOf(":]", i + 2);
      const name = end === -1 ? undefined : POSIX_CLASSES[inner.slice(i + 2, end)];
      if (name !== undefined) {
        body += name;
        i = end + 1;
        continue;
      }
    }
    if (char === "\\" && i + 1 < inner.length) {
      const next = inner[++i] as string;
      body += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
      continue;
    }
    body += char === "]" || char === "[" || char === "^" || char === "\\" || char === "/" ? `\\${char}` : char;
  }
  const source = `[${negated ? "^\\/" : ""}${body}]`;
  return { kind: "class", regex: new RegExp(`^${source}$`), source };
}

/** findClassEnd over normalize()'s output, where "\\]" inside a class is an escaped "]". */
function findEscapedClassEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === "^") i++;
  if (glob[i] === "]") i++;
  for (; i < glob.length; i++) {
    if (glob[i] === "\\") i++;
    else if (glob[i] === "[" && glob[i + 1] === ":") {
      const end = glob.indexOf(":]", i + 2);
      if (end !== -1) i = end + 1;
    } else if (glob[i] === "]") return i;
  }
  return findClassEnd(glob, open);
}

/** The normalized glob (without leading/trailing "/") -> its folders, "**" runs collapsed. */
function parseSegments(glob: string): GlobSegment[] {
  const segments: GlobSegment[] = [];
  let atoms: GlobAtom[] = [];
  let onlyStars = true;
  let stars = 0;
  const endSegment = () => {
    const globstar = onlyStars && stars === 2;
    if (globstar && segments.at(-1)?.kind === "globstar") {
      // "a/**/**/b" is "a/**/b".
    } else segments.push(globstar ? { kind: "globstar" } : { kind: "name", atoms });
    atoms = [];
    onlyStars = true;
    stars = 0;
  };
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === "/") {
      endSegment();
      continue;
    }
    if (char === "*") {
      stars++;
      if (atoms.at(-1)?.kind !== "star") atoms.push({ kind: "star" });
      continue;
    }
    onlyStars = false;
    if (char === "\\" && i + 1 < glob.length) {
      const next = glob[++i] as string;
      if (next === "/") {
        onlyStars = true;
        endSegment();
      } else atoms.push({ kind: "char", char: next });
    } else if (char === "[") {
      const close = findEscapedClassEnd(glob, i);
      if (close === -1) {
        atoms.push({ kind: "char", char });
        continue;
      }
      const negated = glob[i + 1] === "^";
      atoms.push(classAtom(glob.slice(i + (negated ? 2 : 1), close), negated));
      i = close;
    } else atoms.push(char === "?" ? { kind: "any" } : { kind: "char", char });
  }
  endSegment();
  return segments;
}

function atomSource(atom: GlobAtom): string {
  if (atom.kind === "star") return "[^/]*";
  if (atom.kind === "any") return "[^/]";
  if (atom.kind === "class") return atom.source;
  return atom.char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Regex source equivalent to matching `segments` against whole leading folders. */
function segmentsSource(segments: readonly GlobSegment[]): string {
  if (segments.every((segment) => segment.kind === "globstar")) return ".*";
  let source = "";
  segments.forEach((segment, i) => {
    const previous = segments[i - 1];
    if (segment.kind === "globstar") {
      source += i === 0 ? "(?:[^/]*\\/)*" : i === segments.length - 1 ? "(?:\\/[^/]*)*" : "\\/(?:[^/]*\\/)*";
      return;
    }
    if (previous && previous.kind !== "globstar") source += "\\/";
    source += `(?=[^/])${segment.atoms.map(atomSource).join("")}`;
  });
  return source;
}

/** The longest run of literal characters in the pattern: a subject without it cannot match (a cheap first check). */
function longestLiteral(segments: readonly GlobSegment[]): string {
  let best = "";
  for (const segment of segments) {
    if (segment.kind === "globstar") continue;
    let run = "";
    for (const atom of segment.atoms) {
      run = atom.kind === "char" ? run + atom.char : "";
      if (run.length > best.length) best = run;
    }
  }
  return best;
}

type Tail = "below-or-self" | "dir" | "strictly-below";

/** Whether what follows the first `used` of `names` is what the pattern's tail asks for. */
function tailFits(tail: Tail, names: readonly string[], used: number): boolean {
  const left = names.length - used;
  if (tail === "below-or-self") return true;
  if (tail === "dir") return left >= 1;
  return left >= 2 || (left === 1 && names[names.length - 1] !== "");
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
    const test: SubjectTest = dirOnly
      ? (subject) => subject.startsWith(below)
      : (subject) => subject === exact || subject.startsWith(below);
    const escaped = body.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return { test, source: `^${escaped}${dirOnly ? "\\/.*" : "(?:\\/.*)?"}$`, root, problem };
  }
  let segments: GlobSegment[];
  try {
    segments = parseSegments(body.replace(/^(?:\.\/)+/, "")); // "./x" is "x"
  } catch {
    return { ...NEVER, problem: `The pattern "${pattern}" has a character class that cannot be read.` };
  }
  const tail: Tail = strictlyBelow ? "strictly-below" : dirOnly ? "dir" : "below-or-self";
  const tailSource = strictlyBelow ? "\\/.+" : dirOnly ? "\\/.*" : "(?:\\/.*)?";
  // Anchored: from the root. Unanchored ("*.pid"): any one name, wherever it is.
  const source = `${anchored ? "^" : "(?:^|\\/)"}(?:${segmentsSource(segments)})${tailSource}$`;
  const literal = longestLiteral(segments);
  const only = segments[0];
  if (!anchored && segments.length === 1 && only?.kind === "name") {
    const atoms = only.atoms;
    const test: SubjectTest = (subject) => {
      if (!subject.includes(literal)) return false;
      const names = subject.slice(1).split("/");
      return names.some((name, i) => matchName(atoms, name) && tailFits(tail, names, i + 1));
    };
    return { test, source, root, problem };
  }
  const searched: GlobSegment[] = anchored || segments[0]?.kind === "globstar" ? segments : [{ kind: "globstar" }, ...segments];
  const test: SubjectTest = (subject) => {
    if (!subject.includes(literal)) return false;
    const names = subject.slice(1).split("/");
    return matchPrefixes(searched, names).some((fits, used) => fits && used >= 1 && tailFits(tail, names, used));
  };
  return { test, source, root, problem };
}
