"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CaptureRecipe, CaptureRecipeInput } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useCreateCaptureRecipe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CaptureRecipeInput) =>
      fetchJson<CaptureRecipe>("/api/capture-recipes", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.captureRecipes() });
      void queryClient.invalidateQueries({ queryKey: ["capture-plan"] });
    },
  });
}
