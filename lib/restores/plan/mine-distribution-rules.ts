// Rules the distribution already wrote down (issue 14, item 3): Debian packages record conffile moves
// and removals in their maintainer scripts, as debhelper writes them from debian/*.maintscript:
//   dpkg-maintscript-helper mv_conffile OLD NEW [PRIOR-VERSION [PACKAGE]] -- "$@"
//   dpkg-maintscript-helper rm_conffile PATH [PRIOR-VERSION [PACKAGE]] -- "$@"
//   dpkg-maintscript-helper symlink_to_dir PATHNAME OLD-TARGET [PRIOR-VERSION [PACKAGE]] -- "$@"
//   dpkg-maintscript-helper dir_to_symlink PATHNAME NEW-TARGET [PRIOR-VERSION [PACKAGE]] -- "$@"
// and in the conffiles list (a "remove-on-upgrade" flag). Read from the NEW packages (the packages
// stage), an operation applies when the archived version of the package is at most PRIOR-VERSION
// (dpkg-maintscript-helper runs it when the old version is "le-nl" PRIOR-VERSION; no PRIOR-VERSION:
// every upgrade), as an upgrade from the archived version would have run it. What the restore does:
//   mv_conffile        move OLD to NEW (the admin's file wins; a default at NEW is kept beside it)
//   rm_conffile, remove-on-upgrade
//                      the archived file (edited by the admin: unedited files are not archived) is kept
//                      as PATH.dpkg-bak, as dpkg keeps a modified conffile it removes, and reported
//   dir_to_symlink     move the archived folder's content to the link's target (dpkg's helper moves it)
//   symlink_to_dir     nothing to move: dpkg leaves OLD-TARGET's files where they are; reported
// Pure: the scripts' text in, rule matches for the restore script and sentences for the plan out.

import type { MigrationAction, MigrationRule } from "@/lib/restores/plan/migration-rule-schema";
import { migrationActionSchema } from "@/lib/restores/plan/migration-rule-schema";
import type { RuleMatch } from "@/lib/restores/plan/match-migration-rules";
import { compareDebianVersions, isValidDebianVersion } from "@/lib/restores/plan/compare-debian-versions";
import type { PackageStageFacts } from "@/lib/restores/package-stage/types";

export type DistributionOperation = "mv_conffile" | "rm_conffile" | "symlink_to_dir" | "dir_to_symlink" | "remove-on-upgrade";
export type ScriptName = "preinst" | "postinst" | "postrm" | "prerm";

/** One operation as the package wrote it. */
export type DistributionCall = {
  operation: DistributionOperation;
  /** The paths (and link target) in the order dpkg-maintscript-helper takes them. */
  paths: string[];
  priorVersion: string | null;
  /** Where it was read: a maintainer script or "conffiles". */
  script: ScriptName | "conffiles";
  /** The call as written (continuations joined), or the conffiles line. */
  text: string;
};

export type DistributionRule = DistributionCall & {
  package: string;
  /** The new package's version (where the rule was read). */
  version: string;
  /** The archived package's version, or null when the package was not archived. */
  archivedVersion: string | null;
  status: "applies" | "not-applicable";
  reason: string;
  /** What the restore script does; null when nothing is moved (symlink_to_dir, or not applicable). */
  action: MigrationAction | null;
  /** "from bind9 1:9.20.30-1~deb13u1 postinst: dpkg-maintscript-helper mv_conffile ..." */
  source: string;
};

const OPERATIONS = new Set<string>(["mv_conffile", "rm_conffile", "symlink_to_dir", "dir_to_symlink"]);
const SCRIPT_ORDER: ScriptName[] = ["postinst", "preinst", "postrm", "prerm"];
const COMMAND_STARTS = new Set([";", "&&", "||", "|", "then", "do", "else", "!", "{", "("]);
const MAX_SCRIPT_LENGTH = 1024 * 1024;

/** A shell line's words, unquoted, with operators as their own words; null when it holds an expansion or is cut. */
function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === "\\") {
      word += line[i + 1] ?? "";
      inWord = true;
      i++;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return null;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (char === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) word += line[++j];
        else word += line[j];
      }
      if (j >= line.length) return null;
      inWord = true;
      i = j;
    } else if (char === " " || char === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (char === "#" && !inWord) {
      break;
    } else if (char === ";" || char === "&" || char === "|" || char === "(" || char === ")") {
      if (inWord) words.push(word);
      const pair = line.slice(i, i + 2);
      const operator = pair === "&&" || pair === "||" ? pair : char;
      words.push(operator);
      i += operator.length - 1;
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The script's logical lines: a backslash at the end of a line continues it on the next. */
function logicalLines(script: string): string[] {
  return script.replace(/\\\r?\n/g, " ").split(/\r?\n/);
}

/** Every dpkg-maintscript-helper operation a maintainer script runs, in order. */
export function readMaintscriptCalls(script: string, name: ScriptName): DistributionCall[] {
  if (script.length > MAX_SCRIPT_LENGTH) return [];
  const calls: DistributionCall[] = [];
  for (const line of logicalLines(script)) {
    if (!line.includes("dpkg-maintscript-helper")) continue;
    const words = shellWords(line.trim());
    if (!words) continue;
    words.forEach((word, index) => {
      if (word !== "dpkg-maintscript-helper") return;
      const previous = index === 0 ? ";" : words[index - 1]!;
      if (!COMMAND_STARTS.has(previous)) return;
      const operation = words[index + 1] ?? "";
      if (!OPERATIONS.has(operation)) return;
      const args: string[] = [];
      for (const arg of words.slice(index + 2)) {
        if (arg === "--" || COMMAND_STARTS.has(arg) || arg === ")" || arg === "&") break;
        args.push(arg);
      }
      // Arguments that the shell would expand are not known here.
      if (args.some((arg) => arg.includes("$") || arg.includes("`"))) return;
      const pathCount = operation === "rm_conffile" ? 1 : 2;
      if (args.length < pathCount) return;
      const prior = args[pathCount];
      calls.push({
        operation: operation as DistributionOperation,
        paths: args.slice(0, pathCount),
        priorVersion: prior === undefined || prior === "" ? null : prior,
        script: name,
        text: ["dpkg-maintscript-helper", operation, ...args].join(" "),
      });
    });
  }
  return calls;
}

/** Resolves a link target against the folder that holds the link. */
function resolveTarget(link: string, target: string): string {
  const base = target.startsWith("/") ? [] : link.split("/").slice(0, -1);
  const parts: string[] = [];
  for (const part of [...base, ...target.split("/")]) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** The restore script's action for an operation, or null with why. */
function actionFor(call: DistributionCall): { action: MigrationAction | null; does: string } {
  const [first = "", second = ""] = call.paths;
  switch (call.operation) {
    case "mv_conffile":
      return { action: { kind: "move", from: first, to: second }, does: `moves ${first} to ${second}` };
    case "rm_conffile":
    case "remove-on-upgrade":
      return {
        action: { kind: "move", from: first, to: `${first}.dpkg-bak` },
        does: `keeps the archived ${first} as ${first}.dpkg-bak: the new package no longer ships it, and dpkg keeps an edited one so`,
      };
    case "dir_to_symlink": {
      const target = resolveTarget(first, second);
      return {
        action: { kind: "move", from: first, to: target },
        does: `moves the archived folder ${first} into ${target}, which ${first} now links to`,
      };
    }
    case "symlink_to_dir":
      return {
        action: null,
        does:
          `${first} is now a folder, not a link to ${second}: the archived link is not restored over it, and files kept in ` +
          `${resolveTarget(first, second)} stay there, as dpkg leaves them`,
      };
  }
}

/** Whether the archive holds the path or something below it. */
function touches(path: string, archivedPaths: ReadonlySet<string> | null): boolean {
  if (!archivedPaths) return true;
  if (archivedPaths.has(path)) return true;
  const prefix = `${path}/`;
  for (const archived of archivedPaths) if (archived.startsWith(prefix)) return true;
  return false;
}

export type MineDistributionRulesOptions = {
  stage: Pick<PackageStageFacts, "packages">;
  /** Package name -> archived version (manifest.packages). */
  archivedPackages: Readonly<Record<string, string>>;
  /** The archived paths: operations on paths the archive does not hold are left out. Omitted: keep all. */
  archivedPaths?: ReadonlySet<string>;
};

/**
 * The operations of the new packages that concern the archive, each with whether the jump from the
 * archived version covers it. Calls repeated in several scripts of a package (debhelper writes each
 * in all four) are listed once, from the first of postinst, preinst, postrm, prerm.
 */
export function mineDistributionRules({ stage, archivedPackages, archivedPaths }: MineDistributionRulesOptions): DistributionRule[] {
  const rules: DistributionRule[] = [];
  const paths = archivedPaths ?? null;
  for (const name of Object.keys(stage.packages).sort()) {
    const pkg = stage.packages[name]!;
    const calls: DistributionCall[] = [];
    for (const script of SCRIPT_ORDER) {
      const text = pkg.maintscripts[script];
      if (typeof text === "string") calls.push(...readMaintscriptCalls(text, script));
    }
    for (const conffile of pkg.conffiles)
      if (conffile.removeOnUpgrade)
        calls.push({
          operation: "remove-on-upgrade",
          paths: [conffile.path],
          priorVersion: null,
          script: "conffiles",
          text: `${conffile.path} remove-on-upgrade`,
        });
    const seen = new Set<string>();
    for (const call of calls) {
      const key = `${call.operation}\0${call.paths.join("\0")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!touches(call.paths[0] ?? "", paths)) continue;
      rules.push(judge(call, pkg.name, pkg.version, archivedPackages));
    }
  }
  return rules;
}

function judge(
  call: DistributionCall,
  name: string,
  version: string,
  archivedPackages: Readonly<Record<string, string>>,
): DistributionRule {
  const archivedVersion = Object.prototype.hasOwnProperty.call(archivedPackages, name) ? (archivedPackages[name] ?? null) : null;
  const source = `from ${name} ${version} ${call.script}: ${call.text}`;
  const result = (status: DistributionRule["status"], reason: string, action: MigrationAction | null = null): DistributionRule => ({
    ...call,
    package: name,
    version,
    archivedVersion,
    status,
    reason,
    action,
    source,
  });
  if (archivedVersion === null) return result("not-applicable", `${name} was not installed in the archived container.`);
  const { action, does } = actionFor(call);
  if (action && !migrationActionSchema.safeParse(action).success)
    return result("not-applicable", `Kura does not apply it: ${does}, which touches a path a rule may not.`);
  if (call.priorVersion !== null) {
    if (!isValidDebianVersion(call.priorVersion) || !isValidDebianVersion(archivedVersion))
      return result("not-applicable", `The version ${call.priorVersion} or ${archivedVersion} is not a Debian version.`);
    if (compareDebianVersions(archivedVersion, call.priorVersion) > 0)
      return result(
        "not-applicable",
        `The archived ${name} ${archivedVersion} is newer than ${call.priorVersion}: that upgrade already happened.`,
      );
  }
  const covered =
    call.priorVersion === null
      ? call.operation === "remove-on-upgrade"
        ? `${name} ${version} marks it remove-on-upgrade`
        : "it runs on every upgrade"
      : `the archived ${name} ${archivedVersion} is at most ${call.priorVersion}`;
  return result("applies", `Applies as ${covered}: the restore ${does}.`, action);
}

/**
 * The rules that move something, as rule matches the restore script runs (generate-restore-script.ts),
 * before the other migration rules: a file a package renamed is where the built-in rules expect it.
 */
export function toRuleMatches(rules: readonly DistributionRule[]): RuleMatch[] {
  return rules.flatMap((rule, index) => {
    if (rule.status !== "applies" || rule.action === null) return [];
    const migrationRule: MigrationRule = {
      id: `dist-${rule.package}-${rule.operation}-${index + 1}`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 100),
      package: rule.package,
      fromVersions: rule.priorVersion === null ? "*" : `<= ${rule.priorVersion}`,
      toVersions: "*",
      action: rule.action,
      note: rule.source,
      builtIn: true,
      enabled: true,
    };
    return [
      { rule: migrationRule, status: "applies" as const, reason: rule.reason, fromVersion: rule.archivedVersion, toVersion: rule.version },
    ];
  });
}
