import { z } from "zod";
import { captureRecipeBody, captureRecipeParams, containerParams } from "@/lib/api/schemas";
import { captureRecipeSchema } from "@/lib/captures/capture-recipe-schema";
import { defineEntry } from "./entry";

export const capturePlanSchema = z.object({
  running: z.boolean(),
  defaultQuiesce: z.enum(["live", "pause", "stop"]),
  advice: z.string(),
  recipes: z.array(
    z.object({
      id: z.string(),
      service: z.string(),
      package: z.string(),
      packageVersion: z.string(),
      argv: z.array(z.string()),
      user: z.string(),
      format: z.enum(["sql", "ldif", "none"]),
      perItem: z.boolean(),
      builtIn: z.boolean(),
    }),
  ),
});

export const listCaptureRecipes = defineEntry({
  method: "GET",
  path: "/api/capture-recipes",
  access: "viewer",
  summary: "Capture recipes (issue 15): the built-in ones (pg_dumpall, mariadb-dump, slapcat, redis SAVE) and admins' own",
  status: 200,
  response: z.array(captureRecipeSchema),
  errors: {},
});

export const createCaptureRecipe = defineEntry({
  method: "POST",
  path: "/api/capture-recipes",
  access: "operator",
  summary:
    "Add a capture recipe: a package-name pattern and argv lists run inside the container by docker exec (never on Kura's host), " +
    "as a user, with the output's format (sql, ldif, or none when the command only makes the raw files consistent)",
  body: captureRecipeBody,
  status: 201,
  response: captureRecipeSchema,
  errors: { 409: "a recipe with that id exists" },
});

export const deleteCaptureRecipe = defineEntry({
  method: "DELETE",
  path: "/api/capture-recipes/{id}",
  access: "operator",
  summary: "Delete a capture recipe of your own (built-in ones cannot be deleted)",
  params: captureRecipeParams,
  status: 204,
  response: null,
  errors: { 404: "unknown recipe", 409: "built-in" },
});

export const getCapturePlan = defineEntry({
  method: "GET",
  path: "/api/engines/{engineId}/containers/{containerRef}/capture-plan",
  access: "viewer",
  summary: "What an archive of the container would capture: the recipes its packages match, and the default quiesce mode",
  params: containerParams,
  status: 200,
  response: capturePlanSchema,
  errors: { 404: "unknown container" },
});
