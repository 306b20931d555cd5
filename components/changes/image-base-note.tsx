import type { z } from "zod";
import type { detectedImageSchema } from "@/lib/api/contract/changes";

type DetectedImage = z.infer<typeof detectedImageSchema>;

const FOUND_BY: Record<DetectedImage["base"]["foundBy"], string> = {
  "local-image": "the engine's image with the same lowest layers",
  history: "the image history (its last root filesystem step)",
  "lowest-layer": "its lowest layer (no local image or history said more)",
};

/**
 * What the image is built FROM (not listed: it comes back with the base) and its layers above the base. A base that is
 * not a distribution's cannot be fetched again as a newer release: an operator can have its content archived too.
 */
export function ImageBaseNote({
  image,
  onBaseContent,
  saving = false,
}: {
  image: DetectedImage | null;
  /** Given to operators: store whether the base's own content is archived. */
  onBaseContent?: (value: boolean) => void;
  saving?: boolean;
}) {
  if (!image) return null;
  const { base } = image;
  const above = image.layers.filter((layer) => !layer.base);
  const baseName = base.reference ?? `the lowest ${base.layers} layer(s)`;
  if (base.contentListed)
    return (
      <p className="text-sm text-slate-600" data-testid="image-base">
        Image <code className="font-mono text-xs">{image.reference}</code> is built from a base that is not a distribution image; as asked,
        its content is listed too, above its distribution root (the lowest {base.layers} layer(s), which a restore starts from as a newer
        release). The {above.length} layer(s) above that are listed as source &quot;image&quot;.{" "}
        {onBaseContent ? (
          <button
            type="button"
            className="font-medium text-sky-700 hover:underline disabled:opacity-50"
            disabled={saving}
            onClick={() => onBaseContent(false)}
          >
            Stop archiving the base&apos;s content
          </button>
        ) : null}
      </p>
    );
  return (
    <p className="text-sm text-slate-600" data-testid="image-base">
      Image <code className="font-mono text-xs">{image.reference}</code> is built from{" "}
      <code className="font-mono text-xs" title={`found by ${FOUND_BY[base.foundBy]}${base.digest ? `, ${base.digest}` : ""}`}>
        {baseName}
      </code>
      {base.distribution
        ? ", a distribution image: its files are not listed, a restore starts from its newer release."
        : ": its files are not listed; a restore can start from the same base or a newer tag of it."}{" "}
      {!base.distribution && base.reference && onBaseContent ? (
        <>
          <button
            type="button"
            className="font-medium text-sky-700 hover:underline disabled:opacity-50"
            disabled={saving}
            title="For a base that will not be there any more, or that you cannot rebuild: its own files are listed and archived too"
            onClick={() => onBaseContent(true)}
          >
            Archive its content too
          </button>{" "}
        </>
      ) : null}
      {above.length
        ? `The ${above.length} layer(s) above it are listed as source "image"` +
          (image.readVia !== "not-read" ? ` (${image.layerCache.hits} of ${image.layers.length} layers from Kura's cache).` : ".")
        : "No layer above it."}
    </p>
  );
}
