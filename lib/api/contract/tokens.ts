import { z } from "zod";
import { createTokenBody, tokenParams } from "@/lib/api/schemas";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});

// Every role may hold tokens of its own: a token acts with its owner's role, no more.

export const listTokens = defineEntry({
  method: "GET",
  path: "/api/tokens",
  access: "viewer",
  summary: "Your API tokens (never their values)",
  status: 200,
  response: z.array(tokenViewSchema),
  errors: {},
});

export const createToken = defineEntry({
  method: "POST",
  path: "/api/tokens",
  access: "viewer",
  summary: "Create an API token for scripts (Authorization: Bearer); its value is in this response only",
  body: createTokenBody,
  status: 201,
  response: tokenViewSchema.extend({ token: z.string() }),
  errors: {},
});

export const revokeToken = defineEntry({
  method: "DELETE",
  path: "/api/tokens/{id}",
  access: "viewer",
  summary: "Revoke one of your API tokens",
  params: tokenParams,
  status: 200,
  response: tokenViewSchema,
  errors: { 404: "not yours or unknown" },
});
