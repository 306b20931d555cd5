// What a rule list would do to a set of entries, rule by rule, before anyone applies it. Pure.

import type { EntryType, Rule } from "@/lib/changes/classify/types";
import { compileRules } from "@/lib/rules/language/match-rules";

export type PreviewEntry = { path: string; type: EntryType; size: number };

export type RulePreview = {
  index: number;
  pattern: string;
  action: Rule["action"];
  /** Entries the rule matches at all, even where a later rule overrides it. */
  matched: number;
  /** Bytes of the entries counted in `matched`. */
  bytes: number;
  /** Entries this rule actually decides (it is their last matching rule). */
  decisive: number;
  /** Bytes of the entries counted in `decisive`. */
  decisiveBytes: number;
};

export type Tally = { entries: number; bytes: number };

export type RulesPreview = { rules: RulePreview[]; excluded: Tally; included: Tally };

/** A directory's own size is filesystem bookkeeping, not data the archive would hold. */
function bytesOf(entry: PreviewEntry): number {
  return entry.type === "dir" ? 0 : Math.max(0, entry.size);
}

/** A preview filled one entry at a time, so a caller can pause between batches of a large container. */
export type RulesPreviewBuilder = { add(entry: PreviewEntry): void; result(): RulesPreview };

/** Entries no rule matches count as included: rules only say what to leave out (or take back). */
export function startRulesPreview(rules: readonly Rule[]): RulesPreviewBuilder {
  const matcher = compileRules(rules);
  const previews: RulePreview[] = rules.map((rule, index) => ({
    index,
    pattern: rule.pattern,
    action: rule.action,
    matched: 0,
    bytes: 0,
    decisive: 0,
    decisiveBytes: 0,
  }));
  const excluded: Tally = { entries: 0, bytes: 0 };
  const included: Tally = { entries: 0, bytes: 0 };
  return {
    add(entry) {
      const isDir = entry.type === "dir";
      const bytes = bytesOf(entry);
      previews.forEach((preview, index) => {
        if (!matcher.matchesRule(index, entry.path, isDir)) return;
        preview.matched++;
        preview.bytes += bytes;
      });
      const decision = matcher.decide(entry.path, isDir);
      const decisive = decision ? previews[decision.index] : undefined;
      if (decisive) {
        decisive.decisive++;
        decisive.decisiveBytes += bytes;
      }
      const tally = decision?.rule.action === "exclude" ? excluded : included;
      tally.entries++;
      tally.bytes += bytes;
    },
    result: () => ({ rules: previews, excluded, included }),
  };
}

export function previewRules(rules: readonly Rule[], entries: readonly PreviewEntry[]): RulesPreview {
  const builder = startRulesPreview(rules);
  for (const entry of entries) builder.add(entry);
  return builder.result();
}
