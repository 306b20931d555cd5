import type { z } from "zod";
import { AppError } from "./app-error";

export type PageLoad<T> = { data: T; failure: null } | { data: undefined; failure: string };

/**
 * What a server page shows for the record its URL names: the record, or a sentence saying why not
 * (the URL's parameters are invalid, or the loader refused with an AppError such as not found).
 * Any other error propagates to Next's error page.
 */
export async function loadForPage<S extends z.ZodType, T>(
  schema: S,
  rawParams: unknown,
  invalid: string,
  load: (params: z.infer<S>) => Promise<T>,
): Promise<PageLoad<T>> {
  const parsed = schema.safeParse(rawParams);
  if (!parsed.success) return { data: undefined, failure: invalid };
  try {
    return { data: await load(parsed.data), failure: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { data: undefined, failure: error.message };
  }
}
