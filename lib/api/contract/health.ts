import { z } from "zod";
import { defineEntry } from "./entry";

export const healthSchema = z.object({
  ok: z.boolean(),
  database: z.object({ ok: z.boolean(), error: z.string().optional() }),
  /** only for callers who signed in */
  engines: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        endpoint: z.string(),
        reachable: z.boolean(),
        version: z.string().nullable(),
        error: z.string().optional(),
      }),
    )
    .optional(),
});

export const getHealth = defineEntry({
  method: "GET",
  path: "/api/health",
  access: "public",
  summary: "Database and engine reachability (no sign-in needed; the engines only after sign-in)",
  status: 200,
  response: healthSchema,
  errors: { 503: "the database does not answer (the body still has this shape)" },
});
