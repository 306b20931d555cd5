// GET /api/capture-recipes: built-in and admins' capture recipes. POST: add one
import { createCaptureRecipe as createEntry, listCaptureRecipes as listEntry } from "@/lib/api/contract/captures";
import { route } from "@/lib/api/route";
import { createCaptureRecipe, listCaptureRecipes } from "@/lib/captures/capture-recipe-store";

export const dynamic = "force-dynamic";

export const GET = route(listEntry, async () => listCaptureRecipes());

export const POST = route(createEntry, async ({ body, actor }) => createCaptureRecipe(body, actor));
