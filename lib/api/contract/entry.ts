import type { z } from "zod";
import type { Access } from "@/lib/auth/roles";

// One entry per operation of the HTTP API: the single source of truth that route() enforces
// (access, input parsing), the OpenAPI document is generated from, and the UI's types derive from.

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503;

/** A body that is not JSON: a download, or the raw bundle an import sends. */
export type FileBody = { contentType: string; description: string };

export type ContractEntry = {
  method: HttpMethod;
  /** OpenAPI style: /api/archives/{id} */
  path: `/api/${string}`;
  /** Who may call it. Required: there is no default. */
  access: Access;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body (content-type: application/json, at most 1 MiB). */
  body?: z.ZodType;
  /** A body that is not JSON, handed to the handler as a stream (the bundle import). */
  rawBody?: FileBody;
  /** The status of a successful answer. */
  status: 200 | 201 | 202 | 204;
  /** The JSON answer; a FileBody for a download; null for no body (204). */
  response: z.ZodType | FileBody | null;
  /** Another form of the answer the query can ask for (the audit log as CSV). */
  alternative?: FileBody;
  /** The error statuses this operation documents, beyond 401/403/422 that route() adds. */
  errors: Partial<Record<ErrorStatus, string>>;
};

/** Keeps the literal types of an entry (its schemas) while checking it is complete. */
export function defineEntry<const E extends ContractEntry>(entry: E): E {
  return entry;
}

export type ParamsOf<E> = E extends { params: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
export type QueryOf<E> = E extends { query: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
export type BodyOf<E> = E extends { body: infer S extends z.ZodType } ? z.output<S> : undefined;
/** What a client sends: the body before defaults apply. */
export type BodyInput<E> = E extends { body: infer S extends z.ZodType } ? z.input<S> : never;
/** What a client receives (JSON answers only). */
export type ResponseOf<E> = E extends { response: infer S extends z.ZodType } ? z.output<S> : never;
/** What a handler must produce for a JSON answer. */
export type ResponseInput<E> = E extends { response: infer S extends z.ZodType } ? z.input<S> : never;
