// DELETE /api/capture-recipes/{id}: remove an admin's capture recipe
import { deleteCaptureRecipe as deleteEntry } from "@/lib/api/contract/captures";
import { route } from "@/lib/api/route";
import { deleteCaptureRecipe } from "@/lib/captures/capture-recipe-store";

export const dynamic = "force-dynamic";

export const DELETE = route(deleteEntry, async ({ params, actor }) => {
  await deleteCaptureRecipe(params.id, actor);
  return null;
});
