import { z } from "zod";
import { parseEndpoint } from "@/lib/engines/parse-endpoint";

// Input shapes for every route; the OpenAPI document is generated from these too.

export const engineIdParam = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "An engine id is 1-64 letters, digits, '-' or '_'.");
export const containerRefParam = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, "A container is named by its id, short id or name (letters, digits, '_', '.', '-').");

export const engineParams = z.object({ engineId: engineIdParam });
export const containerParams = z.object({ engineId: engineIdParam, containerRef: containerRefParam });

const absoluteFile = z.string().max(4096).regex(/^\/[^\0]*$/, "Give the absolute path of the file on the Kura server.");

export const addEngineBody = z
  .object({
    name: z.string().trim().regex(/^[a-zA-Z0-9][a-zA-Z0-9 _.-]{0,62}$/, "A name is 1-63 letters, digits, spaces, '_', '.' or '-'."),
    endpoint: z.string().trim().min(1, "Give the engine's address.").max(512),
    tlsCa: absoluteFile.optional(),
    tlsCert: absoluteFile.optional(),
    tlsKey: absoluteFile.optional(),
  })
  .superRefine((body, ctx) => {
    const parsed = parseEndpoint(body.endpoint, { tls: Boolean(body.tlsCa || body.tlsCert || body.tlsKey) });
    if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["endpoint"], message: parsed.message });
    if ((body.tlsCa || body.tlsCert || body.tlsKey) && !body.endpoint.startsWith("tcp://")) {
      ctx.addIssue({ code: "custom", path: ["endpoint"], message: "TLS files go with a tcp:// endpoint." });
    }
  });

export const containerStates = ["running", "stopped", "created", "paused", "restarting", "removing", "exited", "dead"] as const;

export const containersQuery = z.object({
  engine: engineIdParam.optional(),
  state: z.enum(containerStates).optional(),
  q: z.string().max(200).optional(),
});
