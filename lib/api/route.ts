import type { NextRequest, NextResponse } from "next/server";
import type { z } from "zod";
import { AppError } from "./app-error";
import { errorToResponse } from "./errors";

// Every API route goes through `route()`: input parsing, errors, and (later) who may call it.

type Context<P> = { params: Promise<P> };

export type RouteInput<P> = { request: NextRequest; params: P };

export function route<P = Record<string, string>>(handler: (input: RouteInput<P>) => Promise<Response | NextResponse>) {
  return async (request: NextRequest, context: Context<P>): Promise<Response> => {
    try {
      const params = (await context.params) ?? ({} as P);
      return await handler({ request, params });
    } catch (error) {
      return errorToResponse(error);
    }
  };
}

const MAX_JSON_BYTES = 1024 * 1024;

/** Read and validate a JSON body; too large is 413, not JSON is 400, wrong shape is 422. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw new AppError(413, "body_too_large", `The request body is larger than ${MAX_JSON_BYTES} bytes.`);
  const text = await request.text();
  if (text.length > MAX_JSON_BYTES) throw new AppError(413, "body_too_large", `The request body is larger than ${MAX_JSON_BYTES} bytes.`);
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid JSON.");
  }
  return schema.parse(value);
}

/** Validate the query string against a schema. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const url = new URL(request.url);
  return schema.parse(Object.fromEntries(url.searchParams.entries()));
}
