import { z } from "zod";

// Capture recipes (issue 15): how a running service makes a consistent copy of its own data (a dump), as data, never
// code. A recipe is keyed on packages (a pattern over the archived package names) and says what to run inside the
// container (argv lists, run by the engine's exec: never on Kura's host, never a shell string Kura builds), as whom,
// and what the output is. Built-in recipes ship in builtin-capture-recipes.ts; admins add their own (stored rows).

export const RECIPE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** What replaces `{item}` in argv when a recipe runs once per item (a database number): plain words only. */
export const ITEM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAX_ITEMS = 16;
const MAX_ARG_LENGTH = 4096;

const argv = z
  .array(
    z
      .string()
      .max(MAX_ARG_LENGTH, `An argument may be at most ${MAX_ARG_LENGTH} characters.`)
      .refine((arg) => !arg.includes("\0"), "An argument may not hold a NUL byte."),
  )
  .min(1, "A command needs at least the program's name.")
  .max(64, "A command may have at most 64 arguments.")
  .refine((list) => list[0] !== "", "The program's name is empty.");

/** A package-name pattern (a JavaScript regular expression matched against whole names; anchor it yourself). */
const packagePattern = z
  .string()
  .min(1)
  .max(200)
  .superRefine((text, context) => {
    try {
      new RegExp(text);
    } catch (error) {
      context.addIssue({ code: "custom", message: `The package pattern is not a regular expression: ${(error as Error).message}` });
    }
  });

/** An environment variable whose value is read, at run time, from a "key value" line of a file in the container. */
const envFromFile = z.object({
  name: z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, "An environment variable's name is upper-case letters, digits and _."),
  file: z
    .string()
    .regex(/^\/[^\0\n]{0,1000}$/, "The file is an absolute path in the container.")
    .refine((file) => !file.split("/").includes(".."), "The file's path may not hold '..'."),
  key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "The key is letters, digits, _ . and -."),
});

export const captureRecipeInputSchema = z
  .object({
    id: z.string().regex(RECIPE_ID_PATTERN, "A recipe id is lower-case letters, digits and -, at most 48 characters."),
    service: z.string().trim().min(1).max(100),
    packages: packagePattern,
    user: z
      .string()
      .regex(/^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})$/, "The user is an account name or a uid.")
      .default("root"),
    argv,
    /** Asks the server its version (first line of the output, at most 200 characters); null when there is no such command. */
    versionArgv: argv.nullable().default(null),
    /** "sql" or "ldif": the standard output is the capture; "none": the command makes the raw files consistent (no output kept). */
    format: z.enum(["sql", "ldif", "none"]),
    /** Run once per line this command prints (each a plain word, at most 16), with `{item}` in argv replaced by it. */
    eachArgv: argv.nullable().default(null),
    env: z.array(envFromFile).max(8).default([]),
    /** For format "none": the command's output must match this regular expression (e.g. ^OK) or the capture failed. */
    expectOutput: z.string().max(200).nullable().default(null),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(6 * 3600)
      .default(600),
    note: z.string().max(1000).default(""),
  })
  .superRefine((recipe, context) => {
    if (recipe.eachArgv && !recipe.argv.some((arg) => arg.includes("{item}")))
      context.addIssue({ code: "custom", path: ["argv"], message: "A recipe run per item names {item} in its argv." });
    if (recipe.expectOutput !== null) {
      try {
        new RegExp(recipe.expectOutput);
      } catch (error) {
        context.addIssue({ code: "custom", path: ["expectOutput"], message: `Not a regular expression: ${(error as Error).message}` });
      }
    }
  });

export const captureRecipeSchema = captureRecipeInputSchema.and(z.object({ builtIn: z.boolean(), enabled: z.boolean() }));

export type CaptureRecipeInput = z.input<typeof captureRecipeInputSchema>;
export type CaptureRecipeFields = z.output<typeof captureRecipeInputSchema>;
export type CaptureRecipe = z.output<typeof captureRecipeSchema>;
