import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { SignatureV4 } from "@smithy/signature-v4";
import type { S3Client } from "@aws-sdk/client-s3";

// The store's one hot request, a conditional PutObject of a small content (If-None-Match: *), signed with the SDK's
// own SigV4 signer (@smithy/signature-v4) and sent with node:http on a keep-alive agent. Why not the SDK's
// PutObjectCommand, as for every other request: it costs about 2 ms of this process's CPU per request (its middleware
// stack and endpoint rules), the same request this way about 0.6 ms (1,000 puts of 50 kB to Ceph RGW on this machine:
// 2.0-2.9 ms against 0.61 ms, 5.5-6.0 s against 2.7 s). An archive of 10,000 small files makes 10,000 of them, and that
// CPU, on a machine the object store shares, is what held archive throughput into Ceph below `tar | gzip | upload`
// (issue 16). Only with an explicit endpoint (AWS_ENDPOINT_URL_S3 and the like, path-style); credentials and region
// come from the SDK client's own providers, so they are the same as its requests'. Failures look like the SDK's
// (name, Code, $metadata.httpStatusCode, or the socket error's code), so map-s3-error.ts reads both alike.

/** SigV4's hash constructor: SHA-256, or HMAC-SHA-256 with a secret. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** An S3 key as a URI path: each segment escaped as RFC 3986 asks (S3's canonical form), the slashes kept. */
export function encodeKeyPath(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/** An error shaped like the SDK's service errors. */
function serviceError(status: number, body: string): Error {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1] ?? (status === 412 ? "PreconditionFailed" : `HTTP${status}`);
  const message = /<Message>([^<]{0,500})<\/Message>/.exec(body)?.[1] ?? "";
  return Object.assign(new Error(message || code), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}

const RETRIED_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED"]);
const RETRIED_NAMES = new Set(["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed"]);
const ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 300_000;

function retried(error: unknown): boolean {
  const { code, name, $metadata } = error as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ?? 0;
  return (
    (code !== undefined && RETRIED_CODES.has(code)) || (name !== undefined && RETRIED_NAMES.has(name)) || status >= 500 || status === 429
  );
}

export type SignedPut = (key: string, body: Uint8Array, headers: Record<string, string>) => Promise<void>;

/**
 * A PUT of `body` at `key` in `bucket` that creates the object only when none exists (If-None-Match: *): resolves when
 * created, throws the SDK-shaped error otherwise (412 PreconditionFailed when it exists). Retries like the SDK's
 * standard mode (3 attempts: 5xx, 429, throttling, a reset connection). Null without an explicit endpoint.
 */
export function createSignedPut(client: S3Client, endpoint: string | undefined, bucket: string): SignedPut | null {
  if (!endpoint) return null;
  const url = new URL(endpoint);
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const transport = url.protocol === "https:" ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const basePath = url.pathname.replace(/\/+$/, "");
  const port = url.port ? Number(url.port) : undefined;
  const signer = new SignatureV4({
    credentials: client.config.credentials,
    region: client.config.region,
    service: "s3",
    sha256: Sha256,
    // The path is escaped once, here, as S3 wants (it is not escaped twice like other services' paths).
    uriEscapePath: false,
    applyChecksum: true,
  });

  async function once(key: string, body: Uint8Array, headers: Record<string, string>): Promise<void> {
    const path = `${basePath}/${encodeKeyPath(bucket)}/${encodeKeyPath(key)}`;
    const signed = await signer.sign({
      method: "PUT",
      protocol: url.protocol,
      hostname: url.hostname,
      port,
      path,
      query: {},
      headers: {
        ...headers,
        host: url.host,
        "content-length": String(body.byteLength),
        "if-none-match": "*",
        "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"),
      },
    });
    await new Promise<void>((resolve, reject) => {
      const request = transport.request(
        { agent, method: "PUT", hostname: url.hostname, port, path, headers: signed.headers },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let length = 0;
          response.on("data", (chunk: Buffer) => {
            if (length < 64 * 1024) chunks.push(chunk);
            length += chunk.length;
          });
          response.on("error", reject);
          response.on("end", () => {
            if (status >= 200 && status < 300) resolve();
            else reject(serviceError(status, Buffer.concat(chunks).toString("utf8")));
          });
        },
      );
      request.setTimeout(REQUEST_TIMEOUT_MS, () =>
        request.destroy(Object.assign(new Error("The request timed out."), { name: "TimeoutError", code: "ETIMEDOUT" })),
      );
      request.on("error", reject);
      request.end(body);
    });
  }

  return async (key, body, headers) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(key, body, headers);
      } catch (error) {
        if (attempt >= ATTEMPTS || !retried(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  };
}
