import { stageLines } from "./packages-stage-key";

// What the packages stage's build needs from the build context (issue 15): Kura builds the "kura-packages" target
// first, alone, on the build network, and the classic builder stops at the target, so that build needs the Dockerfile
// and the files the stage itself copies in (the debconf answers), not the archived payload, the captures or the
// manifest. The full build then sends the whole context and finds the stage's steps in the layer cache: a COPY's
// cache key is its files' content and metadata, which are the same in both contexts. Pure.

/**
 * The context files the stage `stage` of `dockerfile` copies in, or null when it may need anything else from the
 * context (an ADD, a COPY with options or in JSON form, a source that is not exactly one of `contextFiles`, a line
 * continued on the next one): then the whole context is sent.
 */
export function packagesStageContextFiles<T extends { path: string }>(
  dockerfile: string,
  stage: string,
  contextFiles: readonly T[],
): T[] | null {
  const lines = stageLines(dockerfile, stage);
  if (!lines.length) return null;
  const byPath = new Map(contextFiles.map((file) => [file.path, file]));
  const copied = new Map<string, T>();
  for (const line of lines.slice(1)) {
    const trimmed = line.trim();
    if (trimmed.endsWith("\\")) return null;
    const [instruction = "", ...words] = trimmed.split(/\s+/);
    if (/^(ADD|ONBUILD)$/i.test(instruction)) return null;
    if (!/^COPY$/i.test(instruction)) continue;
    if (words.length < 2 || words.some((word) => word.startsWith("--") || word.startsWith("["))) return null;
    for (const source of words.slice(0, -1)) {
      const file = byPath.get(source);
      if (!file) return null;
      copied.set(source, file);
    }
  }
  return [...copied.values()];
}
