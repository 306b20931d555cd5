import { z } from "zod";

// Small shapes several domains' answers share.

/** An ISO 8601 time as the API writes it. */
export const isoTime = z.string().describe("ISO 8601 time");
export const jobStarted = z.object({ jobId: z.string() });
