// Migration rules: what to change in the restored files when a package moves from one version
// range to another (a data file that moved, a configuration key that was renamed, a file the new
// version refuses). Validation for rules that arrive from people and for the built-in ones.

import { z } from "zod";
import { DEBIAN_PACKAGE_NAME } from "@/lib/archives/manifest";
import { checkAbsolutePath, isAccountFile, isProtectedPath, isUnder } from "@/lib/restores/plan/restore-paths";
import { validateVersionRange } from "@/lib/restores/plan/version-range";

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
