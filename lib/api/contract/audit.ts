import { z } from "zod";
import { auditQuery } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const auditEventSchema = z.object({
  id: z.string(),
  at: isoTime,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  /** What the target is called now (an archive's or restore's name), null when it has no name or is gone. */
  targetName: z.string().nullable(),
  result: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  facets: z.object({ actors: z.array(z.string()), actions: z.array(z.string()) }),
  total: z.number(),
  nextBefore: z.string().nullable(),
});

export const listAudit = defineEntry({
  method: "GET",
  path: "/api/audit",
  access: "viewer",
  summary:
    "The append-only audit log, newest first, filtered by actor, action, service and time, a page at a time (?before=); " +
    "format=csv downloads it",
  query: auditQuery,
  status: 200,
  response: auditPageSchema,
  alternative: { contentType: "text/csv", description: "with format=csv: the matching events as CSV" },
  errors: { 404: "the event to page from is unknown" },
});
