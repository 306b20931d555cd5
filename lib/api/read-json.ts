import type { z } from "zod";
import { AppError } from "./app-error";

// JSON bodies: only with content-type application/json (a form on another site cannot send that
// without the browser asking first), read chunk by chunk and refused as soon as they pass the limit.

export const MAX_JSON_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/json\s*(;|$)/i;

const tooLarge = (limit: number) => new AppError(413, "body_too_large", `The request body is larger than ${limit} bytes.`);
const notJson = () => new AppError(415, "unsupported_media_type", "Send the body as JSON with content-type: application/json.");

/** The body's bytes, at most `limit` of them: a 413 as soon as the stream passes it, whatever content-length said. */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Read and validate a JSON body: not application/json is 415, too large 413, not JSON 400, wrong shape 422. An empty body is {}. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const contentType = request.headers.get("content-type");
  const isJson = contentType !== null && JSON_TYPE.test(contentType.trim());
  if (contentType !== null && !isJson && request.headers.get("content-length") !== "0") throw notJson();
  const bytes = await readBodyLimited(request, MAX_JSON_BYTES);
  if (bytes.byteLength > 0 && !isJson) throw notJson();
  let value: unknown;
  try {
    value = bytes.byteLength ? JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) : {};
  } catch {
    throw new AppError(400, "invalid_json", "The request body is not valid JSON.");
  }
  return schema.parse(value);
}
