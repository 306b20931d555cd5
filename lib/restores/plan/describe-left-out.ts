// What will not come back with a restore, said before the build: the archive's record of what the
// detection saw but the archive does not hold (manifest.leftOut), each group with a sentence a
// sysadmin reads. Archives made before that record say so rather than show nothing. Pure.

import type { LeftOutGroup, Manifest } from "@/lib/archives/manifest";

export type LeftOutLine = LeftOutGroup & {
  label: string;
  /** Comes back another way (unchanged package files: reinstalled with their package). */
  comesBack: boolean;
};

export type LeftOutView = {
  /** False for an archive made before Kura recorded what it left out. */
  recorded: boolean;
  groups: LeftOutLine[];
};

const EXAMPLES = 20;

function labelOf(group: LeftOutGroup, rules: Manifest["ruleSet"]["rules"]): string {
  switch (group.reason) {
    case "unticked":
      return "Unticked by hand";
    case "rule": {
      const note = rules.find((rule) => rule.pattern === group.rule && rule.action === "exclude")?.note;
      return `Left out by the rule ${group.rule ?? "(unknown)"}${note ? `: ${note}` : ""}`;
    }
    case "runtime":
      return "Runtime state (sockets, FIFOs, pid and lock files, caches, temporary files): the services recreate it when they start";
    case "log":
      return "Logs: left out by default";
    case "package-unchanged":
      return "Unchanged files of packages: reinstalled with their packages, not lost";
    case "unreadable":
      return "Could not be read when archiving (see the read warnings)";
    case "category":
      return "Left out by its category";
  }
}

export function describeLeftOut(manifest: Pick<Manifest, "leftOut" | "ruleSet">): LeftOutView {
  if (!manifest.leftOut) return { recorded: false, groups: [] };
  return {
    recorded: true,
    groups: manifest.leftOut.groups.map((group) => ({
      ...group,
      examples: group.examples.slice(0, EXAMPLES),
      label: labelOf(group, manifest.ruleSet.rules),
      comesBack: group.reason === "package-unchanged",
    })),
  };
}
