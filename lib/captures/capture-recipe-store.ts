import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { BUILTIN_CAPTURE_RECIPES } from "./builtin-capture-recipes";
import { captureRecipeInputSchema, type CaptureRecipe, type CaptureRecipeInput } from "./capture-recipe-schema";

// Capture recipes: the built-in ones (in code, read-only) and the ones admins add (rows holding the recipe as JSON,
// checked again when read: a row that no longer parses is left out, never run).

const builtInIds = new Set(BUILTIN_CAPTURE_RECIPES.map((recipe) => recipe.id));

export async function listCaptureRecipes(): Promise<CaptureRecipe[]> {
  const rows = await db.captureRecipe.findMany({ orderBy: { createdAt: "asc" } });
  const own = rows.flatMap((row) => {
    let json: unknown;
    try {
      json = JSON.parse(row.recipe);
    } catch {
      return [];
    }
    const parsed = captureRecipeInputSchema.safeParse(json);
    return parsed.success && !builtInIds.has(parsed.data.id) ? [{ ...parsed.data, id: row.id, builtIn: false, enabled: true }] : [];
  });
  return [...BUILTIN_CAPTURE_RECIPES, ...own];
}

export async function createCaptureRecipe(input: CaptureRecipeInput, actor: string): Promise<CaptureRecipe> {
  const recipe = captureRecipeInputSchema.parse(input);
  if (builtInIds.has(recipe.id) || (await db.captureRecipe.findUnique({ where: { id: recipe.id } })))
    throw conflict("capture_recipe_exists", `A capture recipe with the id "${recipe.id}" exists; choose another id.`);
  await db.captureRecipe.create({ data: { id: recipe.id, recipe: JSON.stringify(recipe), createdBy: actor } });
  await recordEvent({
    actor,
    action: "capture-recipe.create",
    target: `capture-recipe:${recipe.id}`,
    detail: { packages: recipe.packages, argv: recipe.argv, user: recipe.user, format: recipe.format },
  });
  return { ...recipe, builtIn: false, enabled: true };
}

export async function deleteCaptureRecipe(id: string, actor: string): Promise<void> {
  if (builtInIds.has(id)) throw new AppError(409, "capture_recipe_built_in", "Built-in capture recipes cannot be deleted.");
  const row = await db.captureRecipe.findUnique({ where: { id } });
  if (!row) throw notFound("capture_recipe_not_found", `No capture recipe with id "${id}". GET /api/capture-recipes lists them.`);
  await db.captureRecipe.delete({ where: { id } });
  await recordEvent({ actor, action: "capture-recipe.delete", target: `capture-recipe:${id}`, detail: {} });
}
