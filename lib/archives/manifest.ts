import { z } from "zod";
import { hasUrlCredentials, isSecretName } from "@/lib/containers/mask-env";
import { DEBCONF_ANSWER_TYPES, debconfQuestionProblem, debconfValueProblem } from "@/lib/archives/parse-debconf-answers";

// The archive manifest, format "kura-archive" version 1: everything needed to understand and
// rebuild the service without Kura. Pure: builds and checks plain data. The README's "Archive
// manifest" section documents the fields.

/** Debian policy 5.6.1: lower-case letters, digits, + - . ; at least two characters, starting alphanumeric. */
export const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** rpm and apk names: letters, digits and _ + . ~ : @ -, starting with a letter, digit or _ (never an option). */
const OTHER_PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_+.~:@-]*$/;

export const MANIFEST_FORMAT = "kura-archive";
export const MANIFEST_VERSION = 1;

const entrySchema = z.object({
  path: z.string().startsWith("/"),
  type: z.enum(["file", "dir", "symlink", "other"]),
  mode: z.number().int().min(0).max(0o7777),
  uid: z.number().int().min(0),
  gid: z.number().int().min(0),
  user: z.string(),
  group: z.string(),
  size: z.number().int().min(0),
  mtime: z.string().nullable(),
  linkTarget: z.string().nullable(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  /** "layer": the container's writable layer; "image": one of its image's layers above the base (added later). */
  source: z.enum(["layer", "image", "volume", "bind"]),
  category: z.string(),
  /**
   * For a file a package ships as configuration (issue 14; absent in older manifests and for other files): the owning
   * package, how it is registered ("dpkg" conffile or "ucf"), and the package's pristine version as the image held it
   * below the edit, else as the old package shipped it (fetched at archive time; a blob like any content; null when
   * none was found). `pristineWhy` says where it came from, or why none was found. A restore merges the admin's
   * changes (pristine -> this file) onto the new package's default.
   */
  package: z.string().max(200).optional(),
  conffile: z.enum(["dpkg", "ucf"]).optional(),
  pristineSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  pristineSize: z.number().int().min(0).optional(),
  pristineWhy: z.string().max(500).optional(),
});

/** What Kura could not read from the container, said rather than skipped (see lib/docker/read-warning.ts). */
export const readWarningSchema = z.object({
  code: z.enum([
    "file-too-large",
    "not-a-regular-file",
    "outside-layer",
    "changed-during-read",
    "package-database-refused",
    "image-layers-not-read",
    "pristine-not-fetched",
    "capture-failed",
    "quiesce-failed",
  ]),
  path: z.string().nullable(),
  message: z.string(),
});

/**
 * A debconf answer the install decided (parse-debconf-answers.ts); value null for a password, never kept. The restore
 * writes these to debconf-set-selections, so an imported bundle's answers are checked as the parser checks them.
 */
const debconfAnswerSchema = z
  .object({
    package: z.string().max(200).regex(DEBIAN_PACKAGE_NAME),
    question: z.string(),
    type: z.enum(DEBCONF_ANSWER_TYPES),
    value: z.string().nullable(),
  })
  .superRefine((answer, context) => {
    const problem =
      debconfQuestionProblem(answer.question) ?? (answer.value === null ? null : debconfValueProblem(answer.value, answer.type));
    if (problem)
      context.addIssue({ code: "custom", message: `The debconf answer ${JSON.stringify(answer.question)} is refused: ${problem}.` });
    if (answer.type === "password" && answer.value !== null)
      context.addIssue({ code: "custom", path: ["value"], message: "A debconf password is never kept in a manifest." });
  });
/** Why something the detection saw is not in the archive (see summarize-left-out.ts). */
export const LEFT_OUT_REASONS = ["unticked", "rule", "runtime", "log", "package-unchanged", "unreadable", "category"] as const;

/** One group of what an archive does not hold: how many entries (folders apart), their bytes, and a few paths. */
export const leftOutGroupSchema = z.object({
  reason: z.enum(LEFT_OUT_REASONS),
  /** The rule's pattern, for reason "rule"; null otherwise. */
  rule: z.string().nullable(),
  /** Entries that are not folders (files, links, sockets...). */
  count: z.number().int().min(0),
  folders: z.number().int().min(0),
  /** Bytes of the regular files among them. */
  bytes: z.number().min(0),
  /** Up to ~20 paths, sorted; a folder ends with "/" and stands for what is below it. */
  examples: z.array(z.string()),
});

/** What the detection saw but the archive does not hold, grouped by why; null in manifests older than this record. */
export const leftOutSchema = z.object({ groups: z.array(leftOutGroupSchema) });
/**
 * The output of a capture recipe (issue 15; /work/tools/CAPTURES-FORMAT.md): a dump the service made of itself while it
 * ran (its consistent copy), stored as a blob and carried in bundles and build contexts at captures/<name>. Format
 * "none": the recipe only made the raw files consistent (redis SAVE), there is no output.
 */
export const captureSchema = z
  .object({
    recipe: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    service: z.string().max(200),
    package: z.string().max(200),
    packageVersion: z.string().max(200),
    serverVersion: z.string().max(200),
    argv: z.array(z.string().max(4096)).min(1).max(64),
    user: z.string().max(64),
    format: z.enum(["sql", "ldif", "none"]),
    /** A plain file name (never a path): captures/<name> in bundles and build contexts. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
      .nullable(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    size: z.number().int().min(0),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .refine((capture) => (capture.format === "none") === (capture.name === null) && (capture.name === null) === (capture.sha256 === null), {
    message: 'A capture has a name and a sha256 exactly when its format is not "none".',
  });

/** How the container was held while its raw files were copied (issue 15); absent in older manifests. */
export const quiesceSchema = z.object({ mode: z.enum(["live", "pause", "stop"]), restarted: z.boolean() });

/** Why a package is installed by a restore or not (lib/changes/packages/decide-packages.ts); absent in older manifests. */
export const packageReasonSchema = z.object({
  kind: z.enum(["installed-after-base", "in-base-image", "in-minimal-set", "dependency"]),
  text: z.string().max(2000),
});

/** Where the original base's package list came from, against which `manual` was decided; absent in older manifests. */
export const packageBaseSchema = z.object({
  source: z.enum(["lowest-layer", "minimal-set"]),
  image: z.string().max(500).nullable(),
  readVia: z.enum(["layer-folder", "archive-api"]).nullable(),
  description: z.string().max(2000),
});

/** Whether a package manager's database may name a package so (the restore passes names to apt-get and dpkg-query). */
export function isValidPackageName(name: string, packageManager: "dpkg" | "rpm" | "apk" | null): boolean {
  return name.length <= 200 && (packageManager === "dpkg" ? DEBIAN_PACKAGE_NAME : OTHER_PACKAGE_NAME).test(name);
}

export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(MANIFEST_VERSION),
    archive: z.object({ id: z.string(), name: z.string(), note: z.string(), createdAt: z.string(), createdBy: z.string() }),
    engine: z.object({ name: z.string(), version: z.string().nullable() }),
    container: z.object({ id: z.string(), name: z.string(), createdAt: z.string(), startedAt: z.string().nullable() }),
    image: z.object({
      reference: z.string(),
      id: z.string(),
      digest: z.string().nullable(),
      size: z.number().nullable(),
      /** The image it was built FROM (its layers are not archived; entries with source "image" are the layers above it). */
      base: z
        .object({
          reference: z.string().nullable(),
          id: z.string().nullable(),
          digest: z.string().nullable(),
          layers: z.number().int().min(0),
          distribution: z.boolean(),
          foundBy: z.string(),
          /** A base that is not a distribution's, whose content is archived (asked for): `layers` is its distribution root. */
          contentListed: z.boolean().optional(),
        })
        .nullable()
        .optional(),
    }),
    config: z.object({
      cmd: z.array(z.string()).nullable(),
      entrypoint: z.array(z.string()).nullable(),
      env: z.array(z.object({ name: z.string(), value: z.string().nullable(), redacted: z.boolean() })),
      workingDir: z.string(),
      user: z.string(),
      exposedPorts: z.array(z.string()),
      labels: z.record(z.string(), z.string()),
      volumes: z.array(z.string()),
      mounts: z.array(
        z.object({ type: z.string(), name: z.string().nullable(), source: z.string(), destination: z.string(), readOnly: z.boolean() }),
      ),
    }),
    os: z
      .object({
        id: z.string(),
        versionId: z.string().nullable(),
        prettyName: z.string(),
        versionCodename: z.string().nullable(),
        fields: z.record(z.string(), z.string()),
      })
      .nullable(),
    packageManager: z.enum(["dpkg", "rpm", "apk"]).nullable(),
    // Package names reach apt-get, apt-cache and dpkg-query in the restore, so they are checked here
    // (an imported bundle's manifest is anyone's).
    // `manual`: the restore installs it. Older manifests (no `reason`) decided it by priority; it keeps that meaning.
    packages: z.array(
      z.object({
        name: z.string().max(200),
        version: z.string(),
        architecture: z.string(),
        manual: z.boolean(),
        reason: packageReasonSchema.optional(),
      }),
    ),
    packageBase: packageBaseSchema.nullable().optional(),
    ruleSet: z.object({
      id: z.string(),
      name: z.string(),
      rules: z.array(z.object({ pattern: z.string(), action: z.enum(["exclude", "include"]), note: z.string() })),
    }),
    entries: z.array(entrySchema),
    /** Paths the container deleted from its image: a restore deletes them too. */
    deleted: z.array(z.string().startsWith("/")),
    totals: z.object({ files: z.number().int(), bytes: z.number() }),
    /** Files the archive could not take as they were (too large, swapped for a FIFO...); absent in older manifests. */
    warnings: z.array(readWarningSchema).default([]),
    /** Debconf answers of the listed packages, preseeded before the restore installs them; absent in older manifests. */
    debconf: z.array(debconfAnswerSchema).default([]),
    leftOut: leftOutSchema.nullable().default(null),
    captures: z.array(captureSchema).max(64).optional(),
    quiesce: quiesceSchema.optional(),
  })
  .superRefine((manifest, context) => {
    const pattern = manifest.packageManager === "dpkg" ? DEBIAN_PACKAGE_NAME : OTHER_PACKAGE_NAME;
    const rule =
      manifest.packageManager === "dpkg"
        ? "a Debian package name (lower-case letters, digits, + - and ., starting with a letter or digit)"
        : "a package name";
    const names = (manifest.captures ?? []).map((capture) => capture.name).filter((name) => name !== null);
    if (new Set(names).size !== names.length)
      context.addIssue({ code: "custom", path: ["captures"], message: "Two captures have the same file name." });
    const index = manifest.packages.findIndex((pkg) => !pattern.test(pkg.name));
    const bad = manifest.packages[index];
    if (!bad) return;
    context.addIssue({
      code: "custom",
      path: ["packages", index, "name"],
      message: `The package ${JSON.stringify(bad.name)} is not ${rule}.`,
    });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestEntry = z.infer<typeof entrySchema>;
export type ManifestDebconfAnswer = z.infer<typeof debconfAnswerSchema>;
export type LeftOutGroup = z.infer<typeof leftOutGroupSchema>;
export type LeftOut = z.infer<typeof leftOutSchema>;
export type Capture = z.infer<typeof captureSchema>;
export type Quiesce = z.infer<typeof quiesceSchema>;

/** Env as "NAME=value" -> manifest form, secret-looking values (and values with a URL password) left out unless asked to keep them. */
export function redactEnv(env: readonly string[], keepSecrets = false): Manifest["config"]["env"] {
  return env.map((entry) => {
    const at = entry.indexOf("=");
    const name = at === -1 ? entry : entry.slice(0, at);
    const value = at === -1 ? "" : entry.slice(at + 1);
    const redacted = !keepSecrets && value !== "" && (isSecretName(name) || hasUrlCredentials(value));
    return { name, value: redacted ? null : value, redacted };
  });
}

/** Entries sorted by path, with totals computed from them. */
export function finishManifest(
  manifest: Omit<Manifest, "format" | "version" | "totals" | "warnings" | "debconf" | "leftOut"> & {
    warnings?: Manifest["warnings"];
    debconf?: Manifest["debconf"];
    leftOut?: Manifest["leftOut"];
  },
): Manifest {
  const entries = [...manifest.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.source < b.source ? -1 : 1));
  const files = entries.filter((entry) => entry.type === "file");
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    ...manifest,
    entries,
    deleted: [...manifest.deleted].sort(),
    warnings: manifest.warnings ?? [],
    debconf: manifest.debconf ?? [],
    leftOut: manifest.leftOut ?? null,
    totals: { files: files.length, bytes: files.reduce((sum, entry) => sum + entry.size, 0) },
  };
}
