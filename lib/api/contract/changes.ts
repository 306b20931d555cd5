import { z } from "zod";
import { changesQuery, containerParams } from "@/lib/api/schemas";
import { packageBaseSchema, packageReasonSchema, readWarningSchema } from "@/lib/archives/manifest";
import { defineEntry } from "./entry";

export const changeEntrySchema = z.object({
  path: z.string(),
  kind: z.enum(["added", "modified", "deleted"]),
  source: z.enum(["layer", "volume", "bind"]),
  type: z.enum(["file", "dir", "symlink", "other"]),
  size: z.number(),
  mode: z.number(),
  uid: z.number(),
  gid: z.number(),
  mtime: z.string().nullable(),
  linkTarget: z.string().nullable().optional(),
  category: z.enum(["user-data", "config", "account", "package-unchanged", "runtime", "log", "secret-candidate"]),
  selected: z.boolean(),
  defaultSelected: z.boolean(),
  decidedBy: z.object({ rule: z.string().optional(), reason: z.string() }),
});

export const detectedChangesSchema = z.object({
  container: z.object({ engineId: z.string(), id: z.string(), name: z.string(), state: z.string() }),
  ruleSet: z.object({ id: z.string(), name: z.string() }),
  overrides: z.array(z.object({ path: z.string(), selected: z.boolean() })),
  since: z.string().nullable(),
  packageManager: z.enum(["dpkg", "rpm", "apk"]).nullable(),
  layerReadVia: z.enum(["overlay2", "archive-api"]),
  /** `manual`: a restore installs it; `reason` says why or why not (dpkg). */
  packages: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      architecture: z.string(),
      manual: z.boolean(),
      reason: packageReasonSchema.optional(),
    }),
  ),
  /** Where the original base's package list came from (dpkg), against which `manual` was decided. */
  packageBase: packageBaseSchema.nullable().optional(),
  entries: z.array(changeEntrySchema),
  totals: z.object({ entries: z.number(), selectedEntries: z.number(), bytes: z.number(), selectedBytes: z.number() }),
  timings: z.record(z.string(), z.number()),
  /** What could not be read as it was (a file over a limit, a FIFO where a file was, a refused package database). */
  warnings: z.array(readWarningSchema),
});

export const listChanges = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/changes",
  access: "viewer",
  summary: "Changed paths (writable layer, volumes, bind mounts), each classified and selected, with what decided it",
  params: containerParams,
  query: changesQuery,
  status: 200,
  response: detectedChangesSchema,
  errors: {
    404: "unknown container or rule set",
    429: "too many detections running (for this caller or in all)",
    502: "engine unreachable",
  },
});
