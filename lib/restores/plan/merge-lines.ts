// Three-way merge of a configuration file's lines: the admin's changes (base -> ours) laid onto the
// new version's default (base -> theirs). Pure.
//
// Unlike diff3, changes to different lines of the base never conflict, even when they touch: a
// package that rewords the comment above a setting (sshd_config's `change to "no" here!`, php.ini's
// `http://` -> `https://` link) while the admin changed the setting itself is the common case
// across Debian releases, and diff3 calls it a conflict (seen in all four Debian 11 -> 13 scenarios
// of issue 14). A conflict is two different changes to the same base line, or two different
// insertions at the same place.

import { diffArrays } from "diff";

/** Base lines [start, end) replaced by `lines` (an insertion when start === end). */
type Edit = { start: number; end: number; lines: string[] };

export type MergeConflict = {
  /** 0-based base line range the two sides changed differently. */
  baseStart: number;
  baseEnd: number;
  /** 0-based line of the new version (theirs) where the conflicting lines start. */
  theirsStart: number;
  base: string[];
  ours: string[];
  theirs: string[];
};

export type LineMerge = {
  /** The merged lines; a conflict's region holds both versions between markers. */
  lines: string[];
  conflicts: MergeConflict[];
};

function editsBetween(base: readonly string[], other: readonly string[]): Edit[] {
  const edits: Edit[] = [];
  let at = 0;
  let pending: Edit | null = null;
  for (const part of diffArrays(base as string[], other as string[])) {
    if (!part.added && !part.removed) {
      if (pending) edits.push(pending);
      pending = null;
      at += part.count ?? part.value.length;
      continue;
    }
    pending ??= { start: at, end: at, lines: [] };
    if (part.removed) {
      at += part.count ?? part.value.length;
      pending.end = at;
    } else pending.lines.push(...part.value);
  }
  if (pending) edits.push(pending);
  // A block of lines replaced by as many lines is taken line by line, so a change to one of them meets the other
  // side's change to another as two different lines, not one block.
  return edits.flatMap((edit) =>
    edit.end - edit.start === edit.lines.length && edit.lines.length > 1
      ? edit.lines
          .map((line, offset) => ({ start: edit.start + offset, end: edit.start + offset + 1, lines: [line] }))
          .filter((single) => single.lines[0] !== base[single.start])
      : [edit],
  );
}

const same = (a: Edit, b: Edit) => a.start === b.start && a.end === b.end && a.lines.join("\n") === b.lines.join("\n");

/** Whether two edits from different sides cannot both apply. */
function clash(a: Edit, b: Edit): boolean {
  if (same(a, b)) return false;
  const aInsert = a.start === a.end;
  const bInsert = b.start === b.end;
  if (aInsert && bInsert) return a.start === b.start;
  // An insertion clashes with a change only when it falls inside the changed lines (not at either edge).
  if (aInsert) return b.start < a.start && a.start < b.end;
  if (bInsert) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Applies edits (sorted, not overlapping) to base[from, to). */
function apply(base: readonly string[], edits: readonly Edit[], from: number, to: number): string[] {
  const out: string[] = [];
  let at = from;
  for (const edit of edits) {
    out.push(...base.slice(at, edit.start), ...edit.lines);
    at = edit.end;
  }
  out.push(...base.slice(at, to));
  return out;
}

export const CONFLICT_MARKERS = {
  ours: "<<<<<<< admin's edit (archived)",
  base: "||||||| old default",
  theirs: "=======",
  end: ">>>>>>> new default",
};

export function mergeLines(base: readonly string[], ours: readonly string[], theirs: readonly string[]): LineMerge {
  const mine = editsBetween(base, ours).map((edit) => ({ ...edit, side: "ours" as const }));
  const new_ = editsBetween(base, theirs).map((edit) => ({ ...edit, side: "theirs" as const }));
  // Insertions before changes at the same place, ours before theirs: a stable order for the output.
  const all = [...mine, ...new_].sort(
    (a, b) =>
      a.start - b.start || Number(a.start !== a.end) - Number(b.start !== b.end) || (a.side === b.side ? 0 : a.side === "ours" ? -1 : 1),
  );
  const lines: string[] = [];
  const conflicts: MergeConflict[] = [];
  let at = 0;
  /** How many more (or fewer) lines theirs has than base before `at`. */
  let theirsShift = 0;
  for (let index = 0; index < all.length;) {
    // A group: this edit and every later one that clashes with a member of the other side (transitively). Edits are
    // sorted by where they start, and one side's edits never overlap each other, so the group's members are contiguous.
    const group = [all[index]!];
    let end = all[index]!.end;
    let next = index + 1;
    for (; next < all.length; next++) {
      const candidate = all[next]!;
      // The same change on both sides joins too, so it is applied once.
      if (!group.some((member) => member.side !== candidate.side && (clash(member, candidate) || same(member, candidate)))) break;
      group.push(candidate);
      end = Math.max(end, candidate.end);
    }
    const start = group[0]!.start;
    lines.push(...base.slice(at, start));
    const sides = new Set(group.map((edit) => edit.side));
    if (sides.size === 1 || group.every((edit) => same(edit, group[0]!))) {
      // One side only, or both made the same change: apply it once.
      const unique = group.filter((edit, position) => group.findIndex((other) => same(other, edit)) === position);
      lines.push(...apply(base, unique, start, end));
    } else {
      const oursLines = apply(
        base,
        group.filter((edit) => edit.side === "ours"),
        start,
        end,
      );
      const theirsLines = apply(
        base,
        group.filter((edit) => edit.side === "theirs"),
        start,
        end,
      );
      const baseLines = base.slice(start, end);
      conflicts.push({
        baseStart: start,
        baseEnd: end,
        theirsStart: start + theirsShift,
        base: baseLines,
        ours: oursLines,
        theirs: theirsLines,
      });
      lines.push(
        CONFLICT_MARKERS.ours,
        ...oursLines,
        CONFLICT_MARKERS.base,
        ...baseLines,
        CONFLICT_MARKERS.theirs,
        ...theirsLines,
        CONFLICT_MARKERS.end,
      );
    }
    for (const edit of group) if (edit.side === "theirs") theirsShift += edit.lines.length - (edit.end - edit.start);
    at = end;
    index = next;
  }
  lines.push(...base.slice(at));
  return { lines, conflicts };
}

/** Text in, text out: lines split on "\n" (a final newline kept as the files had it). */
export function mergeText(base: string, ours: string, theirs: string): { text: string; conflicts: MergeConflict[] } {
  const split = (text: string) => text.split("\n");
  const merged = mergeLines(split(base), split(ours), split(theirs));
  return { text: merged.lines.join("\n"), conflicts: merged.conflicts };
}
