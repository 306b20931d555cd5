// What the detection saw but an archive does not hold, grouped by why, so the restore plan can say
// before the build what will not come back: unticked by hand, left out by a rule (which), runtime
// state, logs, unchanged package files (reinstalled, not lost), unreadable. Pure.

import { decidedByHand } from "@/lib/changes/classify/decide-selection";
import type { ChangeEntry } from "@/lib/changes/classify/types";
import type { LeftOut, LeftOutGroup } from "@/lib/archives/manifest";
import type { ReadWarning } from "@/lib/docker/read-warning";

export type LeftOutInput = {
  /** Every entry the detection saw, with its decision. */
  entries: readonly Pick<ChangeEntry, "path" | "kind" | "type" | "size" | "category" | "selected" | "decidedBy">[];
  /** Paths the archive holds as regular files with content. */
  archivedFiles: ReadonlySet<string>;
  /** What could not be read (detection's and the archive's). */
  warnings: readonly ReadWarning[];
  /** Example paths per group (default 20). */
  examples?: number;
};

type Member = { path: string; type: ChangeEntry["type"]; size: number };
type Reason = LeftOutGroup["reason"];

const ORDER: Record<Reason, number> = { unticked: 0, rule: 1, runtime: 2, log: 3, "package-unchanged": 4, unreadable: 5, category: 6 };
// Codes that mean the content was not taken (a too-large package database or /etc/passwd is about a check, not the file).
const UNREADABLE_CODES = new Set<ReadWarning["code"]>(["file-too-large", "not-a-regular-file", "outside-layer", "changed-during-read"]);

function reasonFor(entry: LeftOutInput["entries"][number]): { reason: Reason; rule: string | null } {
  // Ticked, but a socket, FIFO or device node cannot be archived (archive-container.ts leaves them out).
  if (entry.selected) return { reason: "runtime", rule: null };
  if (decidedByHand(entry.decidedBy)) return { reason: "unticked", rule: null };
  // What it is says more than which of the rules that agree took it ("/run", "*.pid"): a rule group
  // holds only what classification alone would have kept, which is what a person needs to see.
  if (entry.category === "runtime" || entry.category === "log" || entry.category === "package-unchanged")
    return { reason: entry.category, rule: null };
  if (entry.decidedBy.rule) return { reason: "rule", rule: entry.decidedBy.rule };
  return { reason: "category", rule: null };
}

function isUnder(path: string, folder: string): boolean {
  return path.startsWith(folder === "/" ? "/" : `${folder}/`);
}

/** Sorted paths, a folder written "/srv/x/" standing for what lies below it. */
function examplesOf(members: Member[], limit: number): string[] {
  const sorted = [...members].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const examples: string[] = [];
  const folders: string[] = [];
  for (const member of sorted) {
    if (examples.length >= limit) break;
    if (folders.some((folder) => isUnder(member.path, folder))) continue;
    if (examples.at(-1) === member.path || examples.at(-1) === `${member.path}/`) continue;
    if (member.type === "dir") {
      folders.push(member.path);
      examples.push(member.path === "/" ? "/" : `${member.path}/`);
    } else {
      examples.push(member.path);
    }
  }
  return examples;
}

function toGroup(reason: Reason, rule: string | null, members: Member[], limit: number): LeftOutGroup {
  let count = 0;
  let folders = 0;
  let bytes = 0;
  for (const member of members) {
    if (member.type === "dir") folders++;
    else count++;
    if (member.type === "file") bytes += member.size;
  }
  return { reason, rule, count, folders, bytes, examples: examplesOf(members, limit) };
}

export function summarizeLeftOut(input: LeftOutInput): LeftOut {
  const limit = input.examples ?? 20;
  const groups = new Map<string, { reason: Reason; rule: string | null; members: Member[] }>();
  const add = (reason: Reason, rule: string | null, member: Member) => {
    const key = `${reason}\0${rule ?? ""}`;
    const group = groups.get(key) ?? { reason, rule, members: [] };
    group.members.push(member);
    groups.set(key, group);
  };
  const sizes = new Map<string, number>();
  for (const entry of input.entries) {
    // A deletion that is not recorded loses nothing: the base's file stays.
    if (entry.kind === "deleted") continue;
    sizes.set(entry.path, entry.type === "file" ? entry.size : 0);
    if (entry.selected && entry.type !== "other") continue;
    const { reason, rule } = reasonFor(entry);
    add(reason, rule, { path: entry.path, type: entry.type, size: entry.size });
  }
  const unreadable = new Set<string>();
  for (const warning of input.warnings) {
    if (!warning.path || !UNREADABLE_CODES.has(warning.code) || input.archivedFiles.has(warning.path) || unreadable.has(warning.path))
      continue;
    unreadable.add(warning.path);
    add("unreadable", null, { path: warning.path, type: "file", size: sizes.get(warning.path) ?? 0 });
  }
  return {
    groups: [...groups.values()]
      .sort((a, b) => ORDER[a.reason] - ORDER[b.reason] || (a.rule ?? "").localeCompare(b.rule ?? ""))
      .map((group) => toGroup(group.reason, group.rule, group.members, limit)),
  };
}
