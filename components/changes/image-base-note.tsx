import type { z } from "zod";
import type { detectedImageSchema } from "@/lib/api/contract/changes";

type DetectedImage = z.infer<typeof detectedImageSchema>;

const FOUND_BY: Record<DetectedImage["base"]["foundBy"], string> = {
  "local-image": "the engine's image with the same lowest layers",
  history: "the image history (its last root filesystem step)",
  "lowest-layer": "its lowest layer (no local image or history said more)",
};

/** What the image is built FROM (not listed: it comes back with the base) and its layers above the base. */
export function ImageBaseNote({ image }: { image: DetectedImage | null }) {
  if (!image) return null;
  const { base } = image;
  const above = image.layers.filter((layer) => !layer.base);
  const baseName = base.reference ?? `the lowest ${base.layers} layer(s)`;
  return (
    <p className="text-sm text-slate-600" data-testid="image-base">
      Image <code className="font-mono text-xs">{image.reference}</code> is built from{" "}
      <code className="font-mono text-xs" title={`found by ${FOUND_BY[base.foundBy]}${base.digest ? `, ${base.digest}` : ""}`}>
        {baseName}
      </code>
      {base.distribution
        ? ", a distribution image: its files are not listed, a restore starts from its newer release."
        : ": its files are not listed; a restore can start from the same base or a newer tag of it."}{" "}
      {above.length
        ? `The ${above.length} layer(s) above it are listed as source "image"` +
          (image.readVia !== "not-read" ? ` (${image.layerCache.hits} of ${image.layers.length} layers from Kura's cache).` : ".")
        : "No layer above it."}
    </p>
  );
}
