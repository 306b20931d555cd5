import { z } from "zod";
import { archiveBody, containerParams, containersQuery, selectionBody } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

const containerState = z.enum(["created", "running", "paused", "restarting", "removing", "exited", "dead"]);

export const containerRowSchema = z.object({
  engineId: z.string(),
  engineName: z.string(),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  state: containerState,
  status: z.string(),
  createdAt: isoTime,
});

const mountSchema = z.object({
  type: z.enum(["bind", "volume", "tmpfs", "npipe", "cluster", "image"]),
  name: z.string().nullable(),
  source: z.string(),
  destination: z.string(),
  readOnly: z.boolean(),
});

export const containerDetailSchema = z.object({
  engineId: z.string(),
  engineName: z.string(),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  imageDigest: z.string().nullable(),
  state: containerState,
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  config: z.object({
    cmd: z.array(z.string()).nullable(),
    entrypoint: z.array(z.string()).nullable(),
    /** secret-looking values are masked for everyone */
    env: z.array(z.object({ name: z.string(), value: z.string(), masked: z.boolean() })),
    workingDir: z.string(),
    user: z.string(),
    exposedPorts: z.array(z.string()),
    labels: z.record(z.string(), z.string()),
    volumes: z.array(z.string()),
    hostname: z.string(),
  }),
  mounts: z.array(mountSchema),
  engineManagedFiles: z.array(z.string()),
  os: z
    .object({ id: z.string(), versionId: z.string().nullable(), prettyName: z.string(), versionCodename: z.string().nullable() })
    .nullable(),
  packageManager: z.enum(["dpkg", "rpm", "apk"]).nullable(),
});

export const storedSelectionSchema = z.object({
  ruleSetId: z.string().nullable(),
  overrides: z.array(z.object({ path: z.string(), selected: z.boolean() })),
  /** The content of a base image that is not a distribution's is listed and archived (asked for by a person). */
  baseContent: z.boolean(),
  updatedAt: isoTime.nullable(),
});

export const listContainers = defineEntry({
  method: "GET",
  path: "/api/containers",
  access: "viewer",
  summary: "Containers of every engine; engines that did not answer are named in the X-Kura-Unreachable-Engines header",
  query: containersQuery,
  status: 200,
  response: z.array(containerRowSchema),
  errors: { 404: "unknown engine" },
});

export const getContainer = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}",
  access: "viewer",
  summary: "Container detail: config (secrets masked), mounts, OS and package manager",
  params: containerParams,
  status: 200,
  response: containerDetailSchema,
  errors: { 404: "unknown container", 502: "engine unreachable" },
});

export const getSelection = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/selection",
  access: "viewer",
  summary: "The stored curation (rule set and hand overrides)",
  params: containerParams,
  status: 200,
  response: storedSelectionSchema,
  errors: { 404: "unknown container" },
});

export const saveSelection = defineEntry({
  method: "PUT",
  path: "/api/engines/{engineId}/containers/{containerRef}/selection",
  access: "operator",
  summary:
    "Store the curation: overrides by path (a folder's override applies below it), the rule set, and whether the content of " +
    "a base image that is not a distribution's is archived too (baseContent)",
  params: containerParams,
  body: selectionBody,
  status: 200,
  response: storedSelectionSchema,
  errors: { 404: "unknown container or rule set" },
});

export const startArchive = defineEntry({
  method: "POST",
  path: "/api/engines/{engineId}/containers/{containerRef}/archives",
  access: "operator",
  summary:
    "Archive the container's curated selection: a job; 202 {jobId, archiveId}. The capture recipes its packages match run first, " +
    "inside the running container (captures: false skips them); quiesce (live | pause | stop) holds it during the copy, and it runs again after",
  params: containerParams,
  body: archiveBody,
  status: 202,
  response: z.object({ jobId: z.string(), archiveId: z.string() }),
  errors: { 404: "unknown container", 409: "an archive of it is already running" },
});
