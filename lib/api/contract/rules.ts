import { z } from "zod";
import { createRuleSetBody, previewBody, ruleSetIdParam, updateRuleSetBody } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

const ruleSchema = z.object({ pattern: z.string(), action: z.enum(["exclude", "include"]), note: z.string() });

export const ruleSetSchema = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  rules: z.array(ruleSchema),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const tally = z.object({ entries: z.number(), bytes: z.number() });

export const rulePreviewSchema = z.object({
  ruleSetId: z.string(),
  container: z.object({ engineId: z.string(), id: z.string(), name: z.string(), state: z.string() }),
  rules: z.array(
    z.object({
      index: z.number(),
      pattern: z.string(),
      action: z.enum(["exclude", "include"]),
      matched: z.number(),
      bytes: z.number(),
      decisive: z.number(),
      decisiveBytes: z.number(),
    }),
  ),
  excluded: tally,
  included: tally,
});

export const listRuleSets = defineEntry({
  method: "GET",
  path: "/api/rule-sets",
  access: "viewer",
  summary: "Rule sets, the built-in default first",
  status: 200,
  response: z.array(ruleSetSchema),
  errors: {},
});

export const createRuleSet = defineEntry({
  method: "POST",
  path: "/api/rule-sets",
  access: "admin",
  summary: "Create a rule set (rules given, a copy of another, or the defaults)",
  body: createRuleSetBody,
  status: 201,
  response: ruleSetSchema,
  errors: { 404: "the rule set to copy is unknown", 409: "name taken" },
});

export const getRuleSet = defineEntry({
  method: "GET",
  path: "/api/rule-sets/{id}",
  access: "viewer",
  summary: "One rule set",
  params: ruleSetIdParam,
  status: 200,
  response: ruleSetSchema,
  errors: { 404: "unknown rule set" },
});

export const updateRuleSet = defineEntry({
  method: "PUT",
  path: "/api/rule-sets/{id}",
  access: "admin",
  summary: "Replace a rule set's name and ordered rules (not the built-in one)",
  params: ruleSetIdParam,
  body: updateRuleSetBody,
  status: 200,
  response: ruleSetSchema,
  errors: { 404: "unknown rule set", 409: "built-in, or name taken" },
});

export const deleteRuleSet = defineEntry({
  method: "DELETE",
  path: "/api/rule-sets/{id}",
  access: "admin",
  summary: "Delete a rule set (not the built-in one)",
  params: ruleSetIdParam,
  status: 204,
  response: null,
  errors: { 404: "unknown rule set", 409: "built-in" },
});

export const previewRuleSet = defineEntry({
  method: "POST",
  path: "/api/rule-sets/{id}/preview",
  access: "viewer",
  summary: "What each rule (saved, or a draft given in the body) matches on a container: count and bytes (reads only: viewers may look)",
  params: ruleSetIdParam,
  body: previewBody,
  status: 200,
  response: rulePreviewSchema,
  errors: {
    404: "unknown rule set, engine or container",
    429: "too many detections running (for this caller or in all)",
    502: "engine unreachable",
  },
});
