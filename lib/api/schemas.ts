import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";
import { parseEndpoint } from "@/lib/engines/parse-endpoint";
import { migrationRuleSchema } from "@/lib/restores/plan/migration-rule-schema";
import { ruleListSchema } from "@/lib/rules/language/rule-schema";
import { captureRecipeInputSchema } from "@/lib/captures/capture-recipe-schema";

// Input shapes for every route; the OpenAPI document is generated from these too.

export const engineIdParam = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "An engine id is 1-64 letters, digits, '-' or '_'.");
export const containerRefParam = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, "A container is named by its id, short id or name (letters, digits, '_', '.', '-').");

export const engineParams = z.object({ engineId: engineIdParam });
export const containerParams = z.object({ engineId: engineIdParam, containerRef: containerRefParam });

const absoluteFile = z
  .string()
  .max(4096)
  .regex(/^\/[^\0]*$/, "Give the absolute path of the file on the Kura server.");

export const addEngineBody = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9 _.-]{0,62}$/, "A name is 1-63 letters, digits, spaces, '_', '.' or '-'."),
    endpoint: z.string().trim().min(1, "Give the engine's address.").max(512),
    tlsCa: absoluteFile.optional(),
    tlsCert: absoluteFile.optional(),
    tlsKey: absoluteFile.optional(),
  })
  .superRefine((body, ctx) => {
    const parsed = parseEndpoint(body.endpoint, { tls: Boolean(body.tlsCa || body.tlsCert || body.tlsKey) });
    if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["endpoint"], message: parsed.message });
    if ((body.tlsCa || body.tlsCert || body.tlsKey) && !body.endpoint.startsWith("tcp://")) {
      ctx.addIssue({ code: "custom", path: ["endpoint"], message: "TLS files go with a tcp:// endpoint." });
    }
  });

export const containerStates = ["running", "stopped", "created", "paused", "restarting", "removing", "exited", "dead"] as const;

export const containersQuery = z.object({
  engine: engineIdParam.optional(),
  state: z.enum(containerStates).optional(),
  q: z.string().max(200).optional(),
});

export const changesQuery = z.object({
  ruleSet: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/, "A rule set id is 1-64 letters, digits, '-' or '_'.")
    .optional(),
  since: z.iso.datetime({ offset: true, message: "since is an ISO 8601 time such as 2024-01-31T12:00:00Z." }).optional(),
  sinceMarker: z
    .string()
    .max(4096)
    .regex(/^\/[^\0]*$/, "sinceMarker is an absolute path inside the container, such as /tmp/ts0.")
    .optional(),
  packageChecks: z.enum(["true", "false"]).optional(),
});

/** Whole lists at most this long may ride along with a summary (the client then builds the tree itself). */
export const SUMMARY_ENTRIES_LIMIT = 50_000;

export const changesSummaryQuery = changesQuery.extend({
  /** Detect again rather than answer from the kept detection. */
  fresh: z.enum(["true", "false"]).optional(),
  includeEntriesUpTo: z.coerce
    .number()
    .int()
    .min(0)
    .max(SUMMARY_ENTRIES_LIMIT, `includeEntriesUpTo is at most ${SUMMARY_ENTRIES_LIMIT}.`)
    .optional(),
});

const facetList = <T extends readonly [string, ...string[]]>(values: T, name: string) =>
  z
    .string()
    .max(500)
    .transform((raw, ctx) => {
      const items = raw.split(",").filter(Boolean);
      for (const item of items)
        if (!(values as readonly string[]).includes(item)) {
          ctx.addIssue({ code: "custom", message: `${name} is a comma-separated list of ${values.join(", ")}; "${item}" is not one.` });
          return z.NEVER;
        }
      return items as T[number][];
    })
    .optional();

export const changesFolderQuery = changesQuery.extend({
  path: z
    .string()
    .max(4096)
    .regex(/^\/[^\0]*$/, "path is an absolute folder path inside the container, such as /srv.")
    .default("/"),
  offset: z.coerce.number().int().min(0, "offset is 0 or more.").default(0),
  limit: z.coerce.number().int().min(1).max(2000, "limit is 1 to 2000.").default(500),
  category: facetList(["user-data", "config", "account", "package-unchanged", "runtime", "log", "secret-candidate"] as const, "category"),
  source: facetList(["layer", "image", "volume", "bind"] as const, "source"),
  kind: facetList(["added", "modified", "deleted"] as const, "kind"),
  imageLayer: z
    .string()
    .max(500)
    .regex(/^\d{1,4}(,\d{1,4})*$/, "imageLayer is a comma-separated list of layer indexes such as 3,4.")
    .transform((raw) => raw.split(",").map(Number))
    .optional(),
  search: z.string().max(200, "search is at most 200 characters.").optional(),
});

const containerPath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^\/[^\0]*$/, "Paths are absolute paths inside the container.");

export const selectionBody = z.object({
  overrides: z.array(z.object({ path: containerPath, selected: z.boolean() })).max(200_000),
  ruleSetId: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/)
    .nullable()
    .optional(),
  /** List and archive the content of a base image that is not a distribution's; absent: unchanged. */
  baseContent: z.boolean().optional(),
});

export const ruleSetIdParam = z.object({
  id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "A rule set id is 1-64 letters, digits, '-' or '_'."),
});

const ruleSetName = z.string().trim().min(1, "Give the rule set a name.").max(80);

export const createRuleSetBody = z.object({
  name: ruleSetName,
  rules: ruleListSchema.optional(),
  copyFrom: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/)
    .optional(),
});

export const updateRuleSetBody = z.object({ name: ruleSetName.optional(), rules: ruleListSchema });

export const previewBody = z.object({ engineId: engineIdParam, containerRef: containerRefParam, rules: ruleListSchema.optional() });

export const jobParams = z.object({ jobId: z.string().regex(/^[a-z0-9]{1,64}$/, "A job id is letters and digits.") });

export const jobsQuery = z.object({
  state: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
  target: z.string().max(200).optional(),
});

export const archiveBody = z.object({
  name: z.string().trim().max(120).optional(),
  note: z.string().max(2000).optional(),
  /** Keep secret-looking environment values in the manifest instead of leaving them out. */
  keepSecrets: z.boolean().optional(),
  /**
   * Fetch the pristine versions of edited conffiles the image does not hold from the old packages, in the release's
   * repository, over the build network (issue 14; default true). Off: no fetch, those files are not merged at restore.
   */
  fetchPristines: z.boolean().optional(),
  /**
   * How a running container is held while its raw files are copied (issue 15): "live" (default: it keeps running),
   * "pause" (docker pause, unpaused after) or "stop" (docker stop, started again after).
   */
  quiesce: z
    .enum(["live", "pause", "stop"])
    .describe("How a running container is held while its raw files are copied: live (default), pause (then unpause), stop (then start)")
    .optional(),
  /** Run the capture recipes that match the container's packages (a database dump) before the copy; default true. */
  captures: z.boolean().describe("Run the capture recipes its packages match (a database dump) before the copy; default true").optional(),
});
export const captureRecipeBody = captureRecipeInputSchema;
export const captureRecipeParams = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, "A capture recipe id is lower-case letters, digits and -."),
});
export const archiveParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/, "An archive id is letters and digits.") });

// Restores, migration rules, bundles

export const imageRef = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.\-/:@]{0,254}$/,
    "An image is named like debian:trixie or registry.example/team/app:1.2 (letters, digits, '_', '.', '-', '/', ':', '@').",
  );

export const containerNameSchema = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/,
    "A container name starts with a letter or digit, then letters, digits, '_', '.' or '-' (at most 128).",
  );

export const migrationRuleBody = migrationRuleSchema.pick({ package: true, fromVersions: true, toVersions: true, action: true }).extend({
  note: migrationRuleSchema.shape.note.default(""),
  enabled: z.boolean().default(true),
});

export const migrationRuleParams = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "A migration rule id is letters, digits, '_', '.' or '-'."),
});

export const restorePlanBody = z.object({ engineId: engineIdParam.optional(), baseImage: imageRef.optional() });

/** A person's resolution of a configuration merge conflict (issue 14). */
export const mergeResolutionBody = z.object({
  path: z
    .string()
    .startsWith("/", "The path is absolute.")
    .max(4096)
    .refine((value) => !value.includes("\0"), "The path holds a NUL byte."),
  newDefaultSha256: z.string().regex(/^[0-9a-f]{64}$/, "newDefaultSha256 is a SHA-256 in hex."),
  text: z.string().max(1024 * 1024, "A resolution may be at most 1 MiB."),
});

export const startRestoreBody = z.object({
  engineId: engineIdParam,
  baseImage: imageRef,
  containerName: containerNameSchema,
  dockerfile: z
    .string()
    .min(1)
    .max(512 * 1024, "The Dockerfile may be at most 512 KiB.")
    .optional(),
  buildArgs: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "A build argument is named like an environment variable."),
      z.string().max(64 * 1024),
    )
    .optional(),
  checkCommand: z.string().max(4096).optional(),
  /** false: do not run the configuration checkers the plan lists (issue 14) before the service starts. */
  configChecks: z.boolean().optional(),
  network: z.enum(["none", "default"]).default("none"),
  /** Build without the engine's layer cache (as on a machine that never built it). */
  noCache: z.boolean().optional(),
  publish: z
    .record(z.string().regex(/^\d{1,5}\/(tcp|udp)$/, "A port is written like 445/tcp."), z.number().int().min(1).max(65535))
    .optional(),
});

export const restoreParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/, "A restore id is letters and digits.") });

export const bundleQuery = z.object({ base: imageRef.optional() });

// Sign-in, users, tokens, audit

const userName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.@-]{0,62}$/, "A user name is 1-63 letters, digits, '_', '.', '@' or '-'.");
const password = z.string().min(1, "Give the password.").max(MAX_PASSWORD_LENGTH);

export const signInBody = z.object({ name: userName, password });
/** A password being set: the length the user store enforces, so the 422 comes from the schema with the field named. */
const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH);
export const setupBody = z.object({ token: z.string().min(1).max(200), name: userName, password: newPassword });
export const changePasswordBody = z.object({ currentPassword: password, newPassword, revokeTokens: z.boolean().optional() });
export const createUserBody = z.object({ name: userName, password: newPassword, role: z.enum(["viewer", "operator", "admin"]) });
export const updateUserBody = z.object({
  role: z.enum(["viewer", "operator", "admin"]).optional(),
  password: newPassword.optional(),
  disabled: z.boolean().optional(),
});
export const userParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/, "A user id is letters and digits.") });
export const createTokenBody = z.object({ name: z.string().trim().min(1, "Name the token (what script uses it).").max(100) });
export const tokenParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/, "A token id is letters and digits.") });
export const auditQuery = z.object({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  /** text the target or detail contains, e.g. a container or archive name */
  service: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  format: z.enum(["json", "csv"]).default("json"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** the id of the last event of the previous page (the answer's nextBefore): only older events */
  before: z
    .string()
    .regex(/^[a-z0-9]{1,64}$/, "before is an event id (the previous answer's nextBefore).")
    .optional(),
});
