"use client";
import { useQuery } from "@tanstack/react-query";
import type { CaptureRecipe } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCaptureRecipes(initialData?: CaptureRecipe[]) {
  return useQuery({ queryKey: queryKeys.captureRecipes(), queryFn: () => fetchJson<CaptureRecipe[]>("/api/capture-recipes"), initialData });
}
