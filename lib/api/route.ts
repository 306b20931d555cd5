import type { NextRequest, NextResponse } from "next/server";
import type { z } from "zod";
import { authenticate, type Caller } from "@/lib/auth/authenticate";
import { isSafeMethod, isSameOrigin } from "@/lib/auth/check-origin";
import { allows, type Access } from "@/lib/auth/roles";
import { AppError } from "./app-error";
import { errorToResponse } from "./errors";

// Every API route goes through `route()`: who is calling and whether their role allows it, the
// cross-site check, input parsing, and errors. A route states the access it needs; without one,
// reading (GET) needs a viewer and anything else an operator.

type Context<P> = { params: Promise<P> };

export type RouteInput<P> = {
  request: NextRequest;
  params: P;
  /** null only on public routes called without a session or token */
  caller: Caller | null;
  /** the name recorded in audit events */
  actor: string;
};

export type RouteOptions = { access?: Access };

export function accessFor(method: string, options: RouteOptions = {}): Access {
  return options.access ?? (isSafeMethod(method) ? "viewer" : "operator");
}

export function route<P = Record<string, string>>(handler: (input: RouteInput<P>) => Promise<Response | NextResponse>, options: RouteOptions = {}) {
  return async (request: NextRequest, context: Context<P>): Promise<Response> => {
    try {
      const access = accessFor(request.method, options);
      const caller = await authenticate(request);
      if (access !== "public") {
        if (!caller) throw new AppError(401, "unauthenticated", "Sign in first, or send an API token (Authorization: Bearer kura_…).");
        if (!allows(caller.user.role, access))
          throw new AppError(403, "forbidden", `This needs the ${access} role; ${caller.user.name} is ${caller.user.role === "admin" ? "an" : "a"} ${caller.user.role}.`);
      }
      // A browser's cookie rides along on requests other sites make; state changes must come from Kura's own pages.
      if (caller?.via === "session" && !isSafeMethod(request.method) && !isSameOrigin(request.headers))
        throw new AppError(403, "cross_site_request", "This request did not come from Kura's own pages (its Origin header is missing or foreign), so it was refused.");
      const params = (await context.params) ?? ({} as P);
      return await handler({ request, params, caller, actor: caller?.user.name ?? "anonymous" });
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
