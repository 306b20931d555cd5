import { z } from "zod";
import { changesQuery, containerParams } from "@/lib/api/schemas";
import { packageBaseSchema, packageReasonSchema, readWarningSchema } from "@/lib/archives/manifest";
import { defineEntry } from "./entry";

export const changeEntrySchema = z.object({
  path: z.string(),
  kind: z.enum(["added", "modified", "deleted"]),
  /** "layer": the container's writable layer; "image": one of its image's layers above the base. */
  source: z.enum(["layer", "image", "volume", "bind"]),
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
  /** For source "image": the layer (index 0 the lowest) whose version the container sees, and the step that made it. */
  imageLayer: z.object({ index: z.number(), diffId: z.string(), step: z.string().nullable() }).optional(),
});

export const detectedImageSchema = z.object({
  reference: z.string(),
  id: z.string(),
  /** The image it was built FROM: its layers are not listed (they come back with the base). */
  base: z.object({
    reference: z.string().nullable(),
    id: z.string().nullable(),
    digest: z.string().nullable(),
    layers: z.number(),
    distribution: z.boolean(),
    foundBy: z.enum(["local-image", "history", "lowest-layer"]),
  }),
  layers: z.array(
    z.object({
      index: z.number(),
      diffId: z.string(),
      step: z.string().nullable(),
      base: z.boolean(),
      entries: z.number(),
      cached: z.boolean(),
    }),
  ),
  readVia: z.enum(["overlay2", "image-export", "not-read"]),
  /** Layer analyses taken from Kura's cache (keyed by diffID) or read by this detection. */
  layerCache: z.object({ hits: z.number(), misses: z.number() }),
});

export const detectedChangesSchema = z.object({
  container: z.object({ engineId: z.string(), id: z.string(), name: z.string(), state: z.string() }),
  ruleSet: z.object({ id: z.string(), name: z.string() }),
  overrides: z.array(z.object({ path: z.string(), selected: z.boolean() })),
  since: z.string().nullable(),
  packageManager: z.enum(["dpkg", "rpm", "apk"]).nullable(),
  layerReadVia: z.enum(["overlay2", "archive-api"]),
  /** Who said what was added, modified or deleted: Kura from the layer folders (overlay2 on its machine) or the engine's diff. */
  diffVia: z.enum(["layer-folder", "engine"]),
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
  /** The container's image, its base and its layers above it; null when the engine no longer has the image. */
  image: detectedImageSchema.nullable(),
});

export const listChanges = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/changes",
  access: "viewer",
  summary:
    "Changed paths (image layers above the base, writable layer, volumes, bind mounts), each classified and selected, with what decided it",
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
