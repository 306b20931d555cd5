import { createHash } from "node:crypto";
import type { Manifest } from "./manifest";

// A manifest's content as one hash, for memos of what is read for it (issue 15: the stage's facts, the kept texts):
// two manifests with the same fingerprint ask for the same reads. Computed once per manifest object.

const fingerprints = new WeakMap<Manifest, string>();

export function manifestFingerprint(manifest: Manifest): string {
  let fingerprint = fingerprints.get(manifest);
  if (!fingerprint) {
    fingerprint = createHash("sha256").update(JSON.stringify(manifest)).digest("hex");
    fingerprints.set(manifest, fingerprint);
  }
  return fingerprint;
}
