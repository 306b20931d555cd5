// Migration rules: what to change in the restored files when a package moves from one version
// range to another (a data file that moved, a configuration key that was renamed, a file the new
// version refuses). Validation for rules that arrive from people and for the built-in ones.

import { z } from "zod";
import { DEBIAN_PACKAGE_NAME } from "@/lib/archives/manifest";
import { checkAbsolutePath, isAccountFile, isProtectedPath, isUnder } from "@/lib/restores/plan/restore-paths";
import { validateVersionRange } from "@/lib/restores/plan/version-range";
import { checkLinePattern, checkReplacement, countWildcards } from "@/lib/restores/plan/line-pattern";

export const MAX_RULE_NOTE_LENGTH = 1000;
export const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** Debian policy 5.6.1 (one definition, in the manifest schema). */
export const PACKAGE_NAME_PATTERN = DEBIAN_PACKAGE_NAME;

function pathMessage(path: string): string | null {
  const problem = checkAbsolutePath(path);
  if (problem) return problem;
  if (isProtectedPath(path)) return `${path} is a kernel, device or Kura path; a rule may not touch it.`;
  if (isAccountFile(path)) return `${path} is merged by the restore script; a rule may not move, edit or delete it.`;
  return null;
}

const rulePath = z.string().superRefine((path, ctx) => {
  const message = pathMessage(path);
  if (message) ctx.addIssue({ code: "custom", message });
});

const key = z.string().regex(KEY_PATTERN, "A key may hold only letters, digits, _ . and -.");

const versionRange = z.string().superRefine((text, ctx) => {
  const message = validateVersionRange(text);
  if (message) ctx.addIssue({ code: "custom", message });
});

const MAX_VALUE_LENGTH = 1000;
export const MAX_UPGRADE_LINES = 50;
/** What stands between a key and its value: blanks, or blanks around one "=" (":" for YAML-like files). */
const SEPARATOR_PATTERN = /^(?:[ \t]{1,4}|[ \t]{0,4}[=:][ \t]{0,4})$/;

const linePattern = z.string().superRefine((text, ctx) => {
  const message = checkLinePattern(text);
  if (message) ctx.addIssue({ code: "custom", message });
});

const oneLine = (what: string) =>
  z
    .string()
    .max(MAX_VALUE_LENGTH, `${what} may be at most ${MAX_VALUE_LENGTH} characters.`)
    .refine((text) => !/[\n\r\0]/.test(text), `${what} is one line: no line breaks or NUL.`);

export const migrationActionSchema = z.discriminatedUnion("kind", [
  z
    .object({ kind: z.literal("move"), from: rulePath, to: rulePath })
    .refine((action) => action.from !== action.to, { message: "A move needs different source and destination paths.", path: ["to"] })
    .refine((action) => !isUnder(action.to, action.from), { message: "A folder cannot be moved into itself.", path: ["to"] }),
  z.object({ kind: z.literal("rename-key"), file: rulePath, from: key, to: key }).refine((action) => action.from !== action.to, {
    message: "The new key must differ from the old one.",
    path: ["to"],
  }),
  z.object({ kind: z.literal("delete"), path: rulePath }),
  // Every line that matches `match` (a glob over the whole line, line-pattern.ts) becomes `replace`.
  z
    .object({ kind: z.literal("rewrite"), file: rulePath, match: linePattern, replace: oneLine("A replacement") })
    .superRefine((action, ctx) => {
      // Each problem once: a malformed pattern or a multi-line replacement is reported by its own field.
      if (checkLinePattern(action.match) !== null || /[\n\r\0]/.test(action.replace)) return;
      const message = checkReplacement(action.replace, countWildcards(action.match));
      if (message) ctx.addIssue({ code: "custom", message, path: ["replace"] });
    }),
  // The key holds the value: every line setting it gets the value (keeping its own separator), and a
  // line "key<separator>value" is added at the start or the end of the file when none sets it.
  z.object({
    kind: z.literal("set"),
    file: rulePath,
    key,
    value: oneLine("A value"),
    separator: z.string().regex(SEPARATOR_PATTERN, 'A separator is blanks, or "=" or ":" with blanks around it (" = ", " ", "=").'),
    where: z.enum(["start", "end"]),
  }),
  // Data the new version cannot read as archived (issue 15): shell lines run inside the restored image, as root, after the
  // restored files are copied over / ("build": a build step without network) or once when the container first starts
  // ("first-start": before its command). They see KURA_DATA (the data folder), KURA_FROM_VERSION and KURA_TO_VERSION.
  z.object({
    kind: z.literal("upgrade"),
    data: rulePath,
    when: z.enum(["build", "first-start"]),
    run: z
      .array(oneLine("A step"))
      .min(1, "An upgrade runs at least one line.")
      .max(MAX_UPGRADE_LINES, `An upgrade runs at most ${MAX_UPGRADE_LINES} lines.`)
      .refine((lines) => lines.every((line) => line.trim() !== ""), "A step is not empty."),
  }),
]);

export const migrationRuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "An id is 1 to 100 letters, digits, _ . or -."),
  package: z.string().regex(PACKAGE_NAME_PATTERN, "A package name is lower-case letters, digits, + - and ., as Debian writes it."),
  fromVersions: versionRange,
  toVersions: versionRange,
  action: migrationActionSchema,
  note: z.string().max(MAX_RULE_NOTE_LENGTH, `A note may be at most ${MAX_RULE_NOTE_LENGTH} characters.`),
  builtIn: z.boolean(),
  enabled: z.boolean(),
});

export type MigrationRule = z.infer<typeof migrationRuleSchema>;
export type MigrationAction = MigrationRule["action"];
export type UpgradeAction = Extract<MigrationAction, { kind: "upgrade" }>;
/** Rules the restore script runs on the staged files (an upgrade runs in the image: conversions, issue 15). */
export const isFileRule = (rule: MigrationRule) => rule.action.kind !== "upgrade";
