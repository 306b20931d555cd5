// A glob over "/"-separated paths, matched without regular expressions in time O(path × pattern). Pure.
//
// Rule patterns are user input, and a backtracking regex built from "*?*?*?*?…%" blocked the server
// for tens of seconds on one 49-character name. Here a name is matched by the two-pointer wildcard
// algorithm (a run of "*" collapses to one; each mismatch retries from the last "*" only), and the
// folders by a set of states stepped one folder at a time ("**" stays or moves on), so no input
// makes the work grow faster than the product of the two lengths.

/** One character of a name: a literal, "?" (any), or a class such as "[a-z]" (never "/"). */
export type GlobAtom =
  { kind: "char"; char: string } | { kind: "any" } | { kind: "star" } | { kind: "class"; regex: RegExp; source: string };

/** One folder of the pattern: a name glob, or "**" (any number of folders). */
export type GlobSegment = { kind: "name"; atoms: GlobAtom[] } | { kind: "globstar" };

/** Whether a name glob matches a whole name. Names are never empty here ("*" does not match ""). */
export function matchName(atoms: readonly GlobAtom[], name: string): boolean {
  if (name === "") return false;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < name.length) {
    const atom = atoms[p];
    if (atom?.kind === "star") {
      starP = p++;
      starT = t;
      continue;
    }
    if (atom && matchesChar(atom, name[t] as string)) {
      p++;
      t++;
      continue;
    }
    if (starP === -1) return false;
    p = starP + 1;
    t = ++starT;
  }
  while (atoms[p]?.kind === "star") p++;
  return p === atoms.length;
}

function matchesChar(atom: GlobAtom, char: string): boolean {
  if (atom.kind === "any") return true;
  if (atom.kind === "char") return atom.char === char;
  if (atom.kind === "class") return atom.regex.test(char);
  return false;
}

/**
 * The numbers of leading folders of `names` that `segments` matches as a whole, as a boolean per
 * count (index i: the first i names). States are positions in the pattern; "**" positions are
 * entered without consuming a name and stay put while consuming one.
 */
export function matchPrefixes(segments: readonly GlobSegment[], names: readonly string[]): boolean[] {
  const end = segments.length;
  let active = closure(segments, initialStates(end));
  const accepted: boolean[] = [active[end] === true];
  for (const name of names) {
    const next = new Array<boolean>(end + 1).fill(false);
    let any = false;
    for (let state = 0; state < end; state++) {
      if (!active[state]) continue;
      const segment = segments[state] as GlobSegment;
      if (segment.kind === "globstar") {
        next[state] = true;
        any = true;
      } else if (matchName(segment.atoms, name)) {
        next[state + 1] = true;
        any = true;
      }
    }
    active = closure(segments, next);
    accepted.push(active[end] === true);
    if (!any) {
      // No state survives: no longer prefix can match either.
      while (accepted.length <= names.length) accepted.push(false);
      break;
    }
  }
  return accepted;
}

function initialStates(end: number): boolean[] {
  const states = new Array<boolean>(end + 1).fill(false);
  states[0] = true;
  return states;
}

/** A "**" may match no folder: its state also stands for the one after it. */
function closure(segments: readonly GlobSegment[], states: boolean[]): boolean[] {
  for (let state = 0; state < segments.length; state++) {
    if (states[state] && segments[state]?.kind === "globstar") states[state + 1] = true;
  }
  return states;
}
