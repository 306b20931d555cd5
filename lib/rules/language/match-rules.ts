// An ordered rule list -> a matcher that says which rule decides a container path. Pure.
//
// Rule language (gitignore-like, with one deliberate difference):
// - Paths are absolute container paths ("/var/log/syslog"); directories carry no trailing slash.
// - Wildcards: "*" any run of characters within one name, "?" one character, "[abc]" / "[a-z]" /
//   "[!abc]" one character from a set (never "/"), "**" as a whole segment any number of folders
//   ("/srv/**/cache", "**/node_modules"); "/x/**" means everything below /x but not /x itself.
//   "\" escapes the next character ("\*" is a literal star, "\!keep" a name starting with "!").
// - A pattern with a "/" anywhere except at the end is anchored at the root: "/var/cache" and
//   "var/cache" both mean the root-level /var/cache. "/etc/hosts" does not match /srv/etc/hosts.
// - A pattern without such a "/" ("*.pid", "core", "hosts") matches a name at any depth.
// - A trailing "/" ("__pycache__/") matches directories only (and so everything inside them).
// - A pattern that matches a directory also matches everything below it: "/var/cache" covers
//   /var/cache/apt/pkgcache.bin.
// - Rules are ordered and the LAST matching rule wins. Unlike git, an include rule re-includes
//   paths below an excluded directory: exclude "/var/log" then include "/var/log/app/**" keeps
//   the files under /var/log/app (git would keep them excluded because their parent is).
// - Matching is case-sensitive, and "*" matches names starting with "." too.

import type { Rule } from "@/lib/changes/classify/types";
import { compilePattern, type SubjectTest } from "@/lib/rules/language/compile-pattern";

export type RuleDecision = { index: number; rule: Rule };

export type RuleMatcher = {
  readonly rules: readonly Rule[];
  /** The last rule that matches the path, or null when no rule does. */
  decide(path: string, isDir: boolean): RuleDecision | null;
  /** Whether rule `index` matches the path at all (whether or not a later rule overrides it). */
  matchesRule(index: number, path: string, isDir: boolean): boolean;
};

function subjectOf(path: string, isDir: boolean): string {
  return isDir && path !== "/" ? `${path}/` : path;
}

/** "var" for "/var/log/x" and "/var/": the bucket of rules worth testing. */
function rootOf(subject: string): string {
  const end = subject.indexOf("/", 1);
  return end === -1 ? subject.slice(1) : subject.slice(1, end);
}

export function compileRules(rules: readonly Rule[]): RuleMatcher {
  const list = [...rules];
  const compiled = list.map((rule) => compilePattern(rule.pattern));
  const tests: SubjectTest[] = compiled.map((c) => c.test);
  // Rules anchored under a literal first folder only apply to paths under it, so each root gets
  // its own candidates (its rules plus the unanchored ones), last rule first: "last wins".
  const anyRoot: number[] = [];
  const byRoot = new Map<string, number[]>();
  compiled.forEach((c, index) => {
    if (c.root === null) anyRoot.push(index);
    else byRoot.set(c.root, [...(byRoot.get(c.root) ?? []), index]);
  });
  const descending = (a: number, b: number) => b - a;
  const candidatesByRoot = new Map<string, number[]>();
  for (const [root, indices] of byRoot) candidatesByRoot.set(root, [...indices, ...anyRoot].sort(descending));
  const fallback = [...anyRoot].sort(descending);
  return {
    rules: list,
    decide(path, isDir) {
      const subject = subjectOf(path, isDir);
      const candidates = candidatesByRoot.get(rootOf(subject)) ?? fallback;
      for (const index of candidates) {
        if ((tests[index] as SubjectTest)(subject)) return { index, rule: list[index] as Rule };
      }
      return null;
    },
    matchesRule(index, path, isDir) {
      const test = tests[index];
      return test ? test(subjectOf(path, isDir)) : false;
    },
  };
}
