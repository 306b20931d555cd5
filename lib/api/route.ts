import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { authenticate, type Caller } from "@/lib/auth/authenticate";
import { isForeignOrigin, isSafeMethod, isSameOrigin } from "@/lib/auth/check-origin";
import { allows } from "@/lib/auth/roles";
import { AppError } from "./app-error";
import type { BodyOf, ContractEntry, FileBody, ParamsOf, QueryOf, ResponseInput } from "./contract/entry";
import { errorToResponse } from "./errors";
import { readJson } from "./read-json";

// Every API route goes through `route(entry, handler)`: the contract entry says who may call it and
// what its input looks like; route() checks the caller and their role, refuses cross-site requests,
// parses params, query and body, and maps errors. There is no default access: an entry names it.

type Context = { params: Promise<Record<string, string | string[]>> };

export type RouteInput<E extends ContractEntry> = {
  request: NextRequest;
  params: ParamsOf<E>;
  query: QueryOf<E>;
  body: BodyOf<E>;
  /** null only on public routes called without a session or token */
  caller: E["access"] extends "public" ? Caller | null : Caller;
  /** the name recorded in audit events */
  actor: string;
};

type ReplyInit = { status?: number; headers?: Record<string, string>; decorate?: (response: NextResponse) => void };

/** A JSON answer with headers or cookies beside the body (sign-in sets its cookie through `decorate`). */
export class Reply<T> {
  constructor(
    readonly body: T,
    readonly init: ReplyInit = {},
  ) {}
}

/** A JSON entry's handler returns its body (checked against the response schema); a download returns a Response; a 204 returns null. */
export type HandlerResult<E extends ContractEntry> = E extends { response: z.ZodType }
  ? ResponseInput<E> | Reply<ResponseInput<E>> | (E extends { alternative: FileBody } ? Response : never)
  : E extends { response: null }
    ? null
    : Response;

const noParams = z.object({});

function forbidden(access: string, caller: Caller): AppError {
  const article = caller.user.role === "admin" ? "an" : "a";
  return new AppError(403, "forbidden", `This needs the ${access} role; ${caller.user.name} is ${article} ${caller.user.role}.`);
}

export function route<const E extends ContractEntry>(entry: E, handler: (input: RouteInput<E>) => Promise<HandlerResult<E>>) {
  return async (request: NextRequest, context: Context): Promise<Response> => {
    try {
      // A form or script on another site may not post here, signed in or not (login CSRF included).
      if (!isSafeMethod(request.method) && isForeignOrigin(request.headers))
        throw new AppError(403, "cross_site_request", "This request came from another site (its Origin header is foreign); refused.");
      const caller = await authenticate(request);
      if (entry.access !== "public") {
        if (!caller) throw new AppError(401, "unauthenticated", "Sign in first, or send an API token (Authorization: Bearer kura_…).");
        if (!allows(caller.user.role, entry.access)) throw forbidden(entry.access, caller);
      }
      // A browser's cookie rides along on requests other sites make; state changes must come from Kura's own pages.
      if (caller?.via === "session" && !isSafeMethod(request.method) && !isSameOrigin(request.headers))
        throw new AppError(
          403,
          "cross_site_request",
          "This request did not come from Kura's own pages (its Origin header is missing or foreign), so it was refused.",
        );
      const params = (entry.params ?? noParams).parse((await context.params) ?? {});
      const query = entry.query ? readQuery(request, entry.query) : {};
      const body = entry.body ? await readJson(request, entry.body) : undefined;
      const input = { request, params, query, body, caller, actor: caller?.user.name ?? "anonymous" } as RouteInput<E>;
      return toResponse(entry, await handler(input));
    } catch (error) {
      return errorToResponse(error);
    }
  };
}

function toResponse(entry: ContractEntry, result: unknown): Response {
  if (result instanceof Response) return result;
  if (result === null || entry.status === 204) return new NextResponse(null, { status: 204 });
  if (result instanceof Reply) {
    const response = NextResponse.json(result.body, { status: result.init.status ?? entry.status, headers: result.init.headers });
    result.init.decorate?.(response);
    return response;
  }
  return NextResponse.json(result, { status: entry.status });
}

/** Validate the query string against a schema. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const url = new URL(request.url);
  return schema.parse(Object.fromEntries(url.searchParams.entries()));
}

/** The catch-all for paths no route serves: it is not an operation, so it has no contract entry. */
export function fallbackRoute(handler: (request: NextRequest) => Promise<Response>) {
  return async (request: NextRequest): Promise<Response> => {
    try {
      return await handler(request);
    } catch (error) {
      return errorToResponse(error);
    }
  };
}
