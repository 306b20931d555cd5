import { z } from "zod";
import { changesFolderQuery, changesQuery, changesSummaryQuery, containerParams } from "@/lib/api/schemas";
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
    /** Its content is listed too (a base that is not a distribution's, asked for): `layers` counts its distribution root. */
    contentListed: z.boolean().optional(),
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

const folderNodeSchema = z.object({
  path: z.string(),
  name: z.string(),
  isFolder: z.boolean(),
  /** Direct children, whatever the filter. */
  childCount: z.number(),
  totalEntries: z.number(),
  totalBytes: z.number(),
  selectedEntries: z.number(),
  selectedBytes: z.number(),
  /** Ticked, unticked or mixed (some entries below selected), under the overrides stored now. */
  state: z.enum(["true", "false", "mixed"]),
  /** Entries passing the filter at or below (all of them without a filter). */
  matchingEntries: z.number(),
  override: z.object({ path: z.string(), selected: z.boolean() }).nullable(),
  /** The changed path itself, decided under the overrides stored now; null for a folder that only holds changes. */
  entry: changeEntrySchema.nullable(),
});

export const changesSummarySchema = detectedChangesSchema.omit({ entries: true }).extend({
  /** The image layers the entries come from (index, step, entries), lowest first. */
  imageLayers: z.array(z.object({ index: z.number(), step: z.string().nullable(), entries: z.number() })),
  /** When the detection finished; later answers come from the kept result until it is dropped. */
  detectedAt: z.string(),
  /** Every entry, only when asked for (includeEntriesUpTo) and there are at most that many. */
  entries: z.array(changeEntrySchema).optional(),
});

export const changesFolderSchema = z.object({
  folder: folderNodeSchema,
  /** This page of the folder's direct children, folders first then by name (with a filter: those holding matches). */
  children: z.array(folderNodeSchema),
  offset: z.number(),
  limit: z.number(),
  /** Children to page through. */
  total: z.number(),
  /** Entries passing the filter in the whole detection (all of them without a filter). */
  matchingEntries: z.number(),
});

const keptErrors = {
  404: "unknown container or rule set, or (folder) no such folder among the changes",
  429: "too many detections running (for this caller or in all)",
  502: "engine unreachable",
} as const;

export const summarizeChanges = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/changes/summary",
  access: "viewer",
  summary:
    "Everything of the changes answer but the entries (totals and selected totals under the stored ticks, packages, warnings, timings, " +
    "image and base, layer cache), from a detection kept for 30 minutes; fresh=true detects again",
  params: containerParams,
  query: changesSummaryQuery,
  status: 200,
  response: changesSummarySchema,
  errors: keptErrors,
});

export const listChangeFolder = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/changes/folder",
  access: "viewer",
  summary:
    "One page of a folder's direct children in the kept detection, with counts, bytes and check states per child under the stored ticks; " +
    "category, source, kind, imageLayer and search answer only matching children and folders holding matches",
  params: containerParams,
  query: changesFolderQuery,
  status: 200,
  response: changesFolderSchema,
  errors: keptErrors,
});
