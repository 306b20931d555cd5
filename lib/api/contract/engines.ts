import { z } from "zod";
import { addEngineBody, engineParams } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const engineViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  tlsCa: z.string().nullable().optional(),
  tlsCert: z.string().nullable().optional(),
  tlsKey: z.string().nullable().optional(),
  local: z.boolean(),
  createdAt: isoTime,
  reachable: z.boolean(),
  version: z.string().nullable(),
  error: z.string().optional(),
});

export const imageSummarySchema = z.object({ id: z.string(), tags: z.array(z.string()), size: z.number(), createdAt: isoTime });

export const listEngines = defineEntry({
  method: "GET",
  path: "/api/engines",
  access: "viewer",
  summary: "Registered engines with reachability and version",
  status: 200,
  response: z.array(engineViewSchema),
  errors: {},
});

export const addEngine = defineEntry({
  method: "POST",
  path: "/api/engines",
  access: "admin",
  summary: "Register an engine (unix://, tcp:// with optional TLS files, ssh://)",
  body: addEngineBody,
  status: 201,
  response: engineViewSchema,
  errors: { 409: "name or endpoint taken" },
});

export const getEngine = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}",
  access: "viewer",
  summary: "One engine with its status",
  params: engineParams,
  status: 200,
  response: engineViewSchema,
  errors: { 404: "unknown engine" },
});

export const deleteEngine = defineEntry({
  method: "DELETE",
  path: "/api/engines/{engineId}",
  access: "admin",
  summary: "Forget an engine (the local engine stays)",
  params: engineParams,
  status: 204,
  response: null,
  errors: { 404: "unknown engine", 409: "the local engine" },
});

export const listEngineImages = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/images",
  access: "viewer",
  summary: "The engine's tagged images (base images to restore onto)",
  params: engineParams,
  status: 200,
  response: z.array(imageSummarySchema),
  errors: { 404: "unknown engine", 502: "engine unreachable" },
});
