import type { CaptureRecipe } from "./capture-recipe-schema";

// Which capture recipes apply to a container: a recipe runs once per archive, for the first archived package its
// pattern matches (the most specific name: mariadb-server-10.5 before mariadb-server). Pure.

export type RecipePackage = { name: string; version: string };
export type MatchedRecipe = { recipe: CaptureRecipe; package: RecipePackage };

/** Does the recipe's pattern match the whole package name? A pattern that does not compile matches nothing. */
export function recipeMatches(recipe: Pick<CaptureRecipe, "packages">, packageName: string): boolean {
  try {
    return new RegExp(`^(?:${recipe.packages})$`).test(packageName);
  } catch {
    return false;
  }
}

export function matchCaptureRecipes(recipes: readonly CaptureRecipe[], packages: readonly RecipePackage[]): MatchedRecipe[] {
  const matched: MatchedRecipe[] = [];
  const seen = new Set<string>();
  for (const recipe of recipes) {
    if (!recipe.enabled || seen.has(recipe.id)) continue;
    const candidates = packages.filter((pkg) => recipeMatches(recipe, pkg.name));
    const chosen = candidates.sort((a, b) => b.name.length - a.name.length || (a.name < b.name ? -1 : 1))[0];
    if (!chosen) continue;
    seen.add(recipe.id);
    matched.push({ recipe, package: chosen });
  }
  return matched;
}

/** The file name of a recipe's output in bundles and build contexts (captures/<name>); null for format "none". */
export function captureFileName(recipe: Pick<CaptureRecipe, "id" | "format">, item: string | null): string | null {
  if (recipe.format === "none") return null;
  return `${recipe.id}${item === null ? "" : `-${item}`}.${recipe.format}`;
}

/** The value of `key` in a "key value" configuration file (redis.conf): the last line wins; quotes are removed. */
export function readConfigValue(text: string, key: string): string | null {
  let value: string | null = null;
  for (const line of text.split("\n")) {
    const match = /^\s*(\S+)\s+(.*?)\s*$/.exec(line);
    if (!match || match[1]!.toLowerCase() !== key.toLowerCase()) continue;
    const raw = match[2]!;
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw) ?? /^'([^']*)'$/.exec(raw);
    value = quoted ? quoted[1]!.replace(/\\(.)/g, "$1") : raw;
  }
  return value;
}
