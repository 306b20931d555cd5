import { z } from "zod";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const overviewSchema = z.object({
  services: z.array(
    z.object({
      container: z.string(),
      engine: z.string(),
      archives: z.number(),
      latestArchive: z.object({
        id: z.string(),
        name: z.string(),
        createdAt: isoTime,
        files: z.number(),
        bytes: z.number(),
        storedBytes: z.number(),
        imageBytes: z.number(),
      }),
      lastVerified: z.object({ at: isoTime, state: z.string() }).nullable(),
      lastRestore: z.object({ at: isoTime, state: z.string(), id: z.string() }).nullable(),
    }),
  ),
  /** Whether archived content and manifests are encrypted at rest (KURA_STORE_KEY_FILE); "unavailable" with the reason when the store cannot be opened. */
  store: z.object({
    encryption: z.enum(["encrypted", "unencrypted", "unavailable"]),
    problem: z.string().nullable(),
  }),
  /** imageBytes: the full images (image plus data) of each service's latest archive; savedBytes is negative when the archives take more. */
  totals: z.object({
    archives: z.number(),
    services: z.number(),
    storedBytes: z.number(),
    imageBytes: z.number(),
    savedBytes: z.number(),
    savedPercent: z.number().nullable(),
  }),
  failedJobs: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      target: z.string(),
      error: z.string().nullable(),
      createdBy: z.string(),
      finishedAt: isoTime.nullable(),
    }),
  ),
});

export const getOverview = defineEntry({
  method: "GET",
  path: "/api/overview",
  access: "viewer",
  summary:
    "Archived services and their sizes, storage saved against full images, last verify and restore, failed jobs, whether the store is encrypted",
  status: 200,
  response: overviewSchema,
  errors: {},
});
