import path from "node:path";
import { z } from "zod";
import { databaseUrl } from "./database-url";
import { parseStoreUrl } from "./store/s3/parse-store-url";

// Read and checked once; everything else imports `env` instead of touching process.env.
const schema = z.object({
  /** The metadata database: a SQLite `file:` URL (the default) or PostgreSQL, `postgresql://user:password@host/db`. */
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/i, "DATABASE_URL must be a SQLite file: URL or a postgresql:// URL"),
  KURA_DATA_DIR: z.string().min(1),
  DOCKER_HOST: z.string().optional(),
  /** Network for `docker build` steps (e.g. "host" where the engine has no bridge). */
  KURA_BUILD_NETWORK: z.string().optional(),
  /** The first admin's password, used only while Kura has no users (otherwise a one-time setup token is printed). */
  KURA_ADMIN_PASSWORD: z.string().min(10, "KURA_ADMIN_PASSWORD needs at least 10 characters").optional(),
  KURA_ADMIN_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.@-]{0,62}$/)
    .default("admin"),
  /** Mark the session cookie Secure: "auto" does so when the request came over https (or X-Forwarded-Proto: https). */
  KURA_COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  /** gzip level for archived content that compresses (1 fastest, like the benchmark's baseline; 9 smallest). */
  KURA_COMPRESSION_LEVEL: z.coerce.number().int().min(1).max(9).default(1),
  /**
   * "auto": on the engine's own host (as root, overlay2) read containers' writable layers from their folders;
   * "archive-api": always ask the engine (for sites that do not want Kura reading the engine's storage).
   */
  KURA_LAYER_READ: z.enum(["auto", "archive-api"]).default("auto"),
  /** How long to wait for an engine before calling it unreachable. */
  KURA_ENGINE_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  /**
   * Where archived content lives: unset (or "file") for the folder <KURA_DATA_DIR>/store, or an S3 bucket
   * `s3://bucket/prefix` (endpoint, region and credentials from the usual AWS variables and files).
   */
  KURA_STORE: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === "" || value.trim() === "file") return { kind: "file" as const };
      try {
        return { kind: "s3" as const, ...parseStoreUrl(value) };
      } catch (error) {
        context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  /**
   * Encrypt the content store (issue 16): a file holding a passphrase or key (e.g. `openssl rand -base64 32`) that
   * wraps the store's repository key. Losing this file loses the archives. Unset: the store is not encrypted.
   */
  KURA_STORE_KEY_FILE: z
    .string()
    .optional()
    .transform((value) => (value && value.trim() !== "" ? path.resolve(/*turbopackIgnore: true*/ value) : undefined)),
  /** The object store's endpoint (any S3 API: Ceph RGW, MinIO, Garage...); the SDK reads these too. */
  AWS_ENDPOINT_URL_S3: z.url({ protocol: /^https?$/, message: "AWS_ENDPOINT_URL_S3 must be an http(s) URL" }).optional(),
  AWS_ENDPOINT_URL: z.url({ protocol: /^https?$/, message: "AWS_ENDPOINT_URL must be an http(s) URL" }).optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  /**
   * Contents larger than this (bytes) are stored in content-defined chunks (about 128 KiB each), so a large file
   * archived again after a small change adds only the chunks that changed (issue 16). Default 8 MiB; a value above
   * every file's size stores everything whole, as before.
   */
  KURA_CHUNK_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024, "KURA_CHUNK_THRESHOLD_BYTES must be at least 1 MiB (1048576)")
    .default(8 * 1024 * 1024),
  /**
   * Several dashboards on one PostgreSQL database (issue 16): each job is run by the dashboard that started it, which
   * renews the job's lease this often x3; a job whose lease has run out (its dashboard died) is ended as interrupted by
   * any other. Default 30 s.
   */
  KURA_JOB_LEASE_MS: z.coerce.number().int().min(1000, "KURA_JOB_LEASE_MS must be at least 1000").default(30_000),
  /** This dashboard's name in the jobs it runs (default: host name, process id and a random suffix). */
  KURA_REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "KURA_REPLICA_ID may hold letters, digits, dots, dashes and underscores (at most 100)")
    .optional(),
  /** The most one capture recipe's output (a database dump) may hold; more is cut off and said (issue 15). Default 8 GiB. */
  KURA_CAPTURE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024 * 1024),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? databaseUrl(),
    KURA_DATA_DIR: path.resolve(/*turbopackIgnore: true*/ process.env.KURA_DATA_DIR ?? "data"),
  });
  if (!parsed.success) {
    throw new Error(
      `Kura's settings are not valid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

export const env = load();
