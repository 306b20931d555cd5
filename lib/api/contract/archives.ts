import { z } from "zod";
import { archiveParams } from "@/lib/api/schemas";
import { captureSchema, manifestSchema, quiesceSchema, readWarningSchema } from "@/lib/archives/manifest";
import { isoTime, jobStarted } from "./common";
import { defineEntry } from "./entry";

export const archiveSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  note: z.string(),
  state: z.string(),
  container: z.object({ id: z.string(), name: z.string(), image: z.string() }),
  engine: z.object({ id: z.string(), name: z.string() }),
  createdAt: isoTime,
  createdBy: z.string(),
  completedAt: isoTime.nullable(),
  files: z.number(),
  bytes: z.number(),
  storedBytes: z.number(),
  imageBytes: z.number(),
  jobId: z.string().nullable(),
  error: z.string().nullable(),
  verifiedAt: isoTime.nullable(),
  verifyState: z.string().nullable(),
});

const manifestConfig = manifestSchema.shape.config;
const manifestEnvVar = manifestConfig.shape.env.element;

/** The manifest as the API shows it: a secret value kept in it (keepSecrets) is masked for viewers (`masked: true`). */
export const manifestViewSchema = manifestSchema.safeExtend({
  config: manifestConfig.extend({ env: z.array(manifestEnvVar.extend({ masked: z.boolean().optional() })) }),
});

export const archiveDetailSchema = archiveSummarySchema.extend({ manifest: manifestViewSchema.nullable() });

/** An archive job's `result` (GET /api/jobs/{id} once it succeeded). */
export const archiveJobResultSchema = z.object({
  archiveId: z.string(),
  files: z.number(),
  bytes: z.number(),
  storedBytes: z.number(),
  /** "folder": read from the engine's overlay2 folder on this machine; "archive-api": through the engine. */
  layerRead: z.enum(["folder", "archive-api"]),
  /** What could not be read as it was; the manifest keeps them too. */
  warnings: z.array(readWarningSchema),
  /** Issue 15: the capture recipes' outputs, and how the container was held for the copy (absent in older jobs). */
  captures: z.array(captureSchema).optional(),
  quiesce: quiesceSchema.optional(),
});

export const verifyResultSchema = z.object({
  blobsChecked: z.number(),
  corrupt: z.array(z.object({ sha256: z.string(), paths: z.array(z.string()), reason: z.string(), quarantined: z.boolean() })),
});

export const listArchives = defineEntry({
  method: "GET",
  path: "/api/archives",
  access: "viewer",
  summary: "Archives with sizes (files, bytes, stored bytes, image bytes) and state, newest first",
  status: 200,
  response: z.array(archiveSummarySchema),
  errors: {},
});

export const getArchive = defineEntry({
  method: "GET",
  path: "/api/archives/{id}",
  access: "viewer",
  summary: "An archive's summary and manifest (null until complete); secret values kept in it are masked for viewers",
  params: archiveParams,
  status: 200,
  response: archiveDetailSchema,
  errors: { 404: "unknown archive" },
});

export const deleteArchive = defineEntry({
  method: "DELETE",
  path: "/api/archives/{id}",
  access: "admin",
  summary: "Delete an archive and free the content no other archive shares; {freedBytes, blobsRemoved}",
  params: archiveParams,
  status: 200,
  response: z.object({ freedBytes: z.number(), blobsRemoved: z.number() }),
  errors: { 404: "unknown archive", 409: "a job is using it" },
});

export const verifyArchive = defineEntry({
  method: "POST",
  path: "/api/archives/{id}/verify",
  access: "operator",
  summary: "Re-read every blob of the archive and check its hash (a job); its result is {blobsChecked, corrupt}",
  params: archiveParams,
  status: 202,
  response: jobStarted,
  errors: { 404: "unknown archive", 409: "not complete" },
});
