// One rule pattern -> a fast test over absolute container paths. Semantics: see match-rules.ts.
// Hand-written rather than `ignore`: git cannot re-include below an excluded directory, Kura can,
// so every pattern is compiled on its own and match-rules.ts applies "last match wins".

/**
 * Tests a "subject": the absolute path, with a "/" appended when it is a directory. The trailing
 * slash lets dir-only patterns and "matches everything below" share one cheap check.
 */
export type SubjectTest = (subject: string) => boolean;

export type CompiledPattern = {
  test: SubjectTest;
  /** The same test as regex source (flag "s", searched), so a matcher can screen many rules in one pass. */
  source: string;
  /** Literal first folder of an anchored pattern ("var" for "/var/log/*"); null: any root. */
  root: string | null;
  /** Why the pattern is malformed (it still compiles, leniently, as git would). */
  problem: string | null;
};

type Token = { lit: string } | { re: string };

const NEVER: SubjectTest = () => false;
const NEVER_SOURCE = "(?!)";

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  xdigit: "0-9a-fA-F",
  punct: "!-\\/:-@\\[-`{-~",
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function escapeClassChar(char: string): string {
  return /[\\\]\[^-]/.test(char) ? `\\${char}` : char;
}

/** Parses "[...]" starting at `start`; null when it never closes (then "[" is literal, as in git). */
function parseClass(seg: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (seg[i] === "!" || seg[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  while (i < seg.length) {
    const c = seg[i] as string;
    if (c === "]" && !first) {
      if (body === "") return null;
      // A bracket never matches "/": paths are compared segment by segment.
      return { re: `(?!/)[${negate ? "^" : ""}${body}]`, end: i };
    }
    first = false;
    if (c === "\\" && i + 1 < seg.length) {
      body += escapeClassChar(seg[i + 1] as string);
      i += 2;
      continue;
    }
    if (c === "[" && seg[i + 1] === ":") {
      const close = seg.indexOf(":]", i + 2);
      const name = close === -1 ? undefined : seg.slice(i + 2, close);
      const range = name === undefined ? undefined : POSIX_CLASSES[name];
      if (range !== undefined) {
        body += range;
        i = close + 2;
        continue;
      }
    }
    // "-" stays a range operator between two characters, literal at either end.
    const isRange = c === "-" && body !== "" && seg[i + 1] !== undefined && seg[i + 1] !== "]";
    body += isRange ? "-" : escapeClassChar(c);
    i++;
  }
  return null;
}

function tokenizeSegment(seg: string, tokens: Token[]): string | null {
  let problem: string | null = null;
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === "\\") {
      const next = seg[i + 1];
      if (next === undefined) {
        problem = 'The pattern ends with a lone "\\"; write "\\\\" for a literal backslash.';
        tokens.push({ lit: "\\" });
      } else {
        tokens.push({ lit: next });
        i++;
      }
    } else if (c === "*") {
      while (seg[i + 1] === "*") i++;
      tokens.push({ re: "[^/]*" });
    } else if (c === "?") {
      tokens.push({ re: "[^/]" });
    } else if (c === "[") {
      const parsed = parseClass(seg, i);
      if (parsed) {
        tokens.push({ re: parsed.re });
        i = parsed.end;
      } else {
        problem = `The "[" at position ${i + 1} of "${seg}" is never closed with "]"; write "\\[" for a literal bracket.`;
        tokens.push({ lit: "[" });
      }
    } else {
      tokens.push({ lit: c });
    }
  }
  return problem;
}

function literalOf(tokens: Token[]): string | null {
  let text = "";
  for (const token of tokens) {
    if (!("lit" in token)) return null;
    text += token.lit;
  }
  return text;
}

/** Longest run of literal text: a substring every match must contain (cheap pre-filter). */
function longestLiteral(tokens: Token[]): string {
  let best = "";
  let run = "";
  for (const token of tokens) {
    if ("lit" in token) {
      run += token.lit;
      if (run.length > best.length) best = run;
    } else {
      run = "";
    }
  }
  return best;
}

function leadingLiteral(tokens: Token[]): string {
  let text = "";
  for (const token of tokens) {
    if (!("lit" in token)) break;
    text += token.lit;
  }
  return text;
}

export function compilePattern(pattern: string): CompiledPattern {
  const dirOnly = pattern.endsWith("/");
  const trimmed = pattern.replace(/\/+$/, "").replace(/\/{2,}/g, "/");
  const anchored = trimmed.includes("/");
  const body = trimmed.replace(/^\//, "");
  if (body === "") return { test: NEVER, source: NEVER_SOURCE, root: null, problem: "The pattern names no path." };

  const segments = body.split("/");
  const first = segments[0] ?? "";
  const root = anchored && !/[*?[\\]/.test(first) ? first : null;
  const tokens: Token[] = [];
  let problem: string | null = null;
  let endsInside = false; // pattern ends with "/**": everything below, never the folder itself
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === "**" && anchored) {
      if (last) {
        tokens.push({ re: dirOnly ? "[^/].*/" : "[^/].*" });
        endsInside = true;
      } else {
        tokens.push({ re: "(?:.*/)?" }); // zero or more whole folders
      }
      return;
    }
    problem = tokenizeSegment(seg, tokens) ?? problem;
    if (!last) tokens.push({ lit: "/" });
  });

  const end = endsInside ? "" : dirOnly ? "/" : "(?:/|$)";
  const reBody = tokens.map((t) => ("lit" in t ? escapeRegex(t.lit) : t.re)).join("");
  const source = `${anchored ? "^/" : "/"}${reBody}${end}`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, "s"); // "s": "." also matches a newline inside a file name
  } catch (error) {
    const message = `The pattern is not valid: ${error instanceof Error ? error.message : String(error)}.`;
    return { test: NEVER, source: NEVER_SOURCE, root, problem: message };
  }
  const suffix = anchored ? null : nameSuffix(tokens);
  const test = fastTest(tokens, anchored, dirOnly, suffix) ?? regexTest(regex, tokens, anchored);
  // "*.pid" searched as "\.pid(?:/|$)": same matches, without backtracking over "[^/]*".
  return { test, source: suffix ? `${escapeRegex(suffix)}${end}` : source, root, problem };
}

/** ".pid" for "*.pid": a name pattern that is a star and fixed text, the commonest glob. */
function nameSuffix(tokens: Token[]): string | null {
  const head = tokens[0];
  if (!head || !("re" in head) || head.re !== "[^/]*") return null;
  return literalOf(tokens.slice(1)) || null;
}

// Most rules are plain paths, names or "*.ext": string compares beat a regex by a wide margin.
function fastTest(tokens: Token[], anchored: boolean, dirOnly: boolean, suffix: string | null): SubjectTest | null {
  const literal = literalOf(tokens);
  if (literal !== null) {
    const path = `/${literal}`;
    const pathSlash = `${path}/`;
    if (anchored) return dirOnly ? (s) => s.startsWith(pathSlash) : (s) => s === path || s.startsWith(pathSlash);
    return dirOnly ? (s) => s.includes(pathSlash) : (s) => s.endsWith(path) || s.includes(pathSlash);
  }
  if (suffix === null) return null;
  // "*.pid", "*~": the last name, or a folder's name, ends with fixed text.
  const suffixSlash = `${suffix}/`;
  return dirOnly ? (s) => s.includes(suffixSlash) : (s) => s.endsWith(suffix) || s.includes(suffixSlash);
}

/** A regex behind a cheap literal pre-check, since most paths fail on the literal part. */
function regexTest(regex: RegExp, tokens: Token[], anchored: boolean): SubjectTest {
  if (anchored) {
    const prefix = `/${leadingLiteral(tokens)}`;
    if (prefix.length > 1) return (s) => s.startsWith(prefix) && regex.test(s);
  }
  const hint = longestLiteral(tokens);
  if (hint.length >= 2) return (s) => s.includes(hint) && regex.test(s);
  return (s) => regex.test(s);
}
