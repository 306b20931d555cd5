import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_JSON_BYTES, readJson } from "./read-json";

const schema = z.object({ name: z.string() });

/** A chunked body (no content-length) that counts how much of it was pulled. */
function endlessBody(chunkBytes: number, chunks: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

const post = (body: BodyInit | null, headers: Record<string, string>) =>
  new Request("http://kura.test/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readJson", () => {
  it("reads JSON sent as application/json", async () => {
    expect(await readJson(post('{"name":"a"}', { "content-type": "application/json; charset=utf-8" }), schema)).toEqual({ name: "a" });
  });

  it("refuses JSON sent as text/plain (a cross-site form can send that) with 415", async () => {
    await expect(readJson(post('{"name":"a"}', { "content-type": "text/plain" }), schema)).rejects.toMatchObject({ status: 415 });
    const form = post('{"name":"a"}', { "content-type": "application/x-www-form-urlencoded" });
    await expect(readJson(form, schema)).rejects.toMatchObject({ status: 415 });
  });

  it("stops reading a body without content-length as soon as it passes 1 MiB", async () => {
    const body = endlessBody(64 * 1024, 1000); // 64 MiB if read whole
    await expect(readJson(post(body.stream, { "content-type": "application/json" }), schema)).rejects.toMatchObject({ status: 413 });
    expect(body.pulled() * 64 * 1024).toBeLessThanOrEqual(MAX_JSON_BYTES + 2 * 64 * 1024);
  });

  it("refuses a declared content-length over the limit before reading", async () => {
    const request = post("{}", { "content-type": "application/json", "content-length": String(MAX_JSON_BYTES + 1) });
    await expect(readJson(request, schema)).rejects.toMatchObject({ status: 413 });
  });

  it("takes an empty body as {} and bad JSON as 400", async () => {
    await expect(readJson(post(null, {}), z.object({}))).resolves.toEqual({});
    await expect(readJson(post("{nope", { "content-type": "application/json" }), schema)).rejects.toMatchObject({ status: 400 });
  });
});
