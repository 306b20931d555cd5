"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CaptureRecipe } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useDeleteCaptureRecipe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => fetchJson<void>(`/api/capture-recipes/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: (_nothing, id) => {
      queryClient.setQueryData<CaptureRecipe[]>(queryKeys.captureRecipes(), (recipes) => recipes?.filter((recipe) => recipe.id !== id));
      void queryClient.invalidateQueries({ queryKey: queryKeys.captureRecipes() });
      void queryClient.invalidateQueries({ queryKey: ["capture-plan"] });
    },
  });
}
