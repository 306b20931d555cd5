import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError, type ApiErrorBody } from "./app-error";

/** The one place that turns a thrown error into an HTTP response. Unknown errors are logged, not shown. */
export function errorToResponse(error: unknown): NextResponse<ApiErrorBody> {
  if (error instanceof AppError) {
    return NextResponse.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const first = issues[0];
    const message = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "The request is not valid.";
    return NextResponse.json({ error: { code: "invalid_request", message, issues } }, { status: 422 });
  }
  if (error instanceof SyntaxError) {
    return NextResponse.json({ error: { code: "invalid_json", message: "The request body is not valid JSON." } }, { status: 400 });
  }
  console.error("[kura] unexpected error:", error);
  return NextResponse.json(
    { error: { code: "internal_error", message: "Something went wrong on the server; it has been logged." } },
    { status: 500 },
  );
}
