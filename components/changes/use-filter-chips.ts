"use client";

import { useState } from "react";
import type { Category, ChangeKind, ChangeSource } from "@/lib/changes/classify/types";

/**
 * The curation trees' filter chips (categories, sources, kinds, image layers), shared by the whole tree and the
 * paged one: their values, one clear for all of them, and the props the toolbar takes.
 */
export function useFilterChips() {
  const [categories, setCategories] = useState<ReadonlySet<Category>>(() => new Set());
  const [sources, setSources] = useState<ReadonlySet<ChangeSource>>(() => new Set());
  const [kinds, setKinds] = useState<ReadonlySet<ChangeKind>>(() => new Set());
  const [layerChips, setLayerChips] = useState<ReadonlySet<string>>(() => new Set());
  const clear = () => {
    setCategories(new Set());
    setSources(new Set());
    setKinds(new Set());
    setLayerChips(new Set());
  };
  return {
    categories,
    sources,
    kinds,
    layerChips,
    clear,
    toolbar: {
      categories,
      onCategories: setCategories,
      sources,
      onSources: setSources,
      kinds,
      onKinds: setKinds,
      layerChips,
      onLayerChips: setLayerChips,
    },
  };
}
