// Validation for rules that arrive from people (forms, imported text, API bodies).

import { z } from "zod";
import { compilePattern } from "@/lib/rules/language/compile-pattern";

export const MAX_PATTERN_LENGTH = 512;
export const MAX_NOTE_LENGTH = 500;
export const MAX_RULES = 500;

/** A human message for an unusable pattern, or null when it is fine. */
export function validatePattern(pattern: string): string | null {
  if (pattern.trim() === "") return "The pattern is empty.";
  if (pattern.length > MAX_PATTERN_LENGTH) return `The pattern is longer than ${MAX_PATTERN_LENGTH} characters.`;
  if (pattern.includes("\0")) return "The pattern contains a NUL character.";
  if (/[\r\n]/.test(pattern)) return "The pattern spans more than one line.";
  if (pattern !== pattern.trim()) return "The pattern starts or ends with spaces; remove them.";
  if (/^!+$/.test(pattern)) return 'A "!" needs a path after it, such as !/var/log/app.';
  // "!" marks include rules only in the text form; in a rule the action says it.
  if (pattern.startsWith("!"))
    return 'Drop the leading "!" and choose the "include" action instead (write "\\!" for a name that starts with "!").';
  if (/^\/+$/.test(pattern)) return 'The pattern "/" names no path; use "/**" to mean everything.';
  return compilePattern(pattern).problem;
}

export const ruleSchema = z.object({
  pattern: z.string().superRefine((pattern, ctx) => {
    const message = validatePattern(pattern);
    if (message) ctx.addIssue({ code: "custom", message });
  }),
  action: z.enum(["exclude", "include"]),
  note: z.string().max(MAX_NOTE_LENGTH, `A note may be at most ${MAX_NOTE_LENGTH} characters.`).default(""),
});

export const ruleListSchema = z.array(ruleSchema).max(MAX_RULES, `A rule set may hold at most ${MAX_RULES} rules.`);
