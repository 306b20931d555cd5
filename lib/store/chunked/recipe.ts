import { z } from "zod";

/**
 * How a chunked content is put back together: its chunks in order, each named by the SHA-256 of its bytes (a blob of
 * the chunk store), with its length and the bytes it took on disk when it was written. Stored as JSON under
 * `recipes/<content sha256>.json` beside the whole blobs.
 */
export type Recipe = { version: 1; sha256: string; size: number; chunks: RecipeChunk[] };
/** [chunk sha256, length, stored bytes]: arrays, not objects, so a 1 GiB file's ~8,000 chunks make ~700 KB of JSON. */
export type RecipeChunk = [sha256: string, size: number, storedBytes: number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().nonnegative();
const recipeSchema = z.object({
  version: z.literal(1),
  sha256,
  size: count,
  chunks: z.array(z.tuple([sha256, count, count])),
});

export const recipeName = (contentSha256: string) => `recipes/${contentSha256}.json`;

export function serializeRecipe(recipe: Recipe): Buffer {
  return Buffer.from(JSON.stringify(recipe));
}

/** The recipe in `bytes` (of the content `expectedSha256`, when given), or an Error saying why it is not one (a damaged record). */
export function parseRecipe(bytes: Buffer, expectedSha256: string | null): Recipe | Error {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return new Error("its recipe (the list of its chunks) is not valid JSON");
  }
  const parsed = recipeSchema.safeParse(json);
  if (!parsed.success) return new Error("its recipe (the list of its chunks) is malformed");
  const recipe = parsed.data as Recipe;
  if (expectedSha256 !== null && recipe.sha256 !== expectedSha256) return new Error(`its recipe names another content (${recipe.sha256})`);
  const total = recipe.chunks.reduce((sum, [, size]) => sum + size, 0);
  if (total !== recipe.size) return new Error(`its recipe's chunks add up to ${total} bytes instead of ${recipe.size}`);
  return recipe;
}
