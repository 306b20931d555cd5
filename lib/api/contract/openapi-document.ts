import { z } from "zod";
import type { ContractEntry, FileBody } from "./entry";
import { contract } from "./index";

// The OpenAPI 3.1 description served at /api/openapi.json, generated from the contract: the same
// entries route() enforces, so the document cannot drift from what the routes do.

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, issues: { type: "array", items: { type: "object" } } },
      required: ["code", "message"],
    },
  },
  required: ["error"],
};

/** JSON Schema of a zod schema; `io` picks the request side (before defaults) or the answer side. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  // Refinements and transforms have no JSON Schema form: "any" keeps the rest of the schema instead of throwing.
  const generated = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  const { $schema: _dialect, ...rest } = generated;
  return rest;
}

const isFileBody = (value: ContractEntry["response"]): value is FileBody => value !== null && !(value instanceof z.ZodType);

const STANDARD_ERRORS: Record<string, string> = {
  "401": "not signed in",
  "403": "the role does not allow it, or a cross-site request",
  "422": "invalid input",
};
const BINARY = { type: "string", format: "binary" };

function successContent(entry: ContractEntry): Record<string, unknown> | undefined {
  const { response } = entry;
  if (response === null) return undefined;
  const main = isFileBody(response)
    ? { [response.contentType]: { schema: BINARY } }
    : { "application/json": { schema: jsonSchema(response, "output") } };
  const alternative = entry.alternative ? { [entry.alternative.contentType]: { schema: { type: "string" } } } : {};
  return { ...main, ...alternative };
}

function operationOf(entry: ContractEntry): Record<string, unknown> {
  const parameter =
    (place: "path" | "query") =>
    ([name, schema]: [string, unknown]) => ({
      name,
      in: place,
      required: place === "path",
      schema: jsonSchema(schema as z.ZodType, "input"),
    });
  const pathParameters = Object.entries(entry.params?.shape ?? {}).map(parameter("path"));
  const queryParameters = Object.entries(entry.query?.shape ?? {}).map(parameter("query"));
  const requestBody = entry.body
    ? { required: true, content: { "application/json": { schema: jsonSchema(entry.body, "input") } } }
    : entry.rawBody
      ? { required: true, description: entry.rawBody.description, content: { [entry.rawBody.contentType]: { schema: BINARY } } }
      : undefined;
  const description = isFileBody(entry.response) ? entry.response.description : entry.status === 204 ? "done, no body" : "success";
  const content = successContent(entry);
  const bodyErrors = entry.body ? { "413": "body over 1 MiB", "415": "not application/json" } : {};
  const errors = { ...(entry.access === "public" ? {} : STANDARD_ERRORS), ...bodyErrors, ...entry.errors };
  const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });
  return {
    summary: entry.summary,
    "x-kura-access": entry.access,
    ...(entry.access === "public" ? { security: [] } : {}),
    parameters: [...pathParameters, ...queryParameters],
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(entry.status)]: { description, ...(content ? { content } : {}) },
      ...Object.fromEntries(Object.entries(errors).map(([status, text]) => [status, errorResponse(text)])),
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of contract) (paths[entry.path] ??= {})[entry.method.toLowerCase()] = operationOf(entry);
  return {
    openapi: "3.1.0",
    info: {
      title: "Kura API",
      version: "1",
      description:
        "Preserve retired services as their mutable data; restore them on a newer OS. Errors: {error: {code, message}}. " +
        "Generated from the route contract (lib/api/contract).",
    },
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "kura_session" },
        token: { type: "http", scheme: "bearer", description: "An API token (kura_…) from the Account page or POST /api/tokens" },
      },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}
