import { createHash } from "node:crypto";

// Which packages-stage image serves a plan (issue 14): the restore labels the stage it builds with a
// key made of what decides its content (the stage's Dockerfile lines, the base image's id, the files
// the stage copies in), so a later plan preview of the same archive and base finds it on the engine
// and reads the new packages' facts from it without building anything.

export const PACKAGES_STAGE_LABEL = "kura.packages-stage";

/** The Dockerfile's lines from "FROM … AS kura-packages" up to the next FROM. */
export function stageLines(dockerfile: string, stage: string): string[] {
  const lines = dockerfile.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\s*FROM\\s+\\S+\\s+AS\\s+${stage}\\s*$`, "i").test(line));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && /^\s*FROM\s/i.test(line));
  return lines.slice(start, end === -1 ? undefined : end).filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
}

/** The label value for a plan's packages stage, or null when the Dockerfile has none. */
export function packagesStageKey(input: {
  dockerfile: string;
  stage: string;
  baseImageId: string | null;
  contextFiles: { path: string; content: string | Uint8Array }[];
}): string | null {
  const lines = stageLines(input.dockerfile, input.stage);
  if (!lines.length) return null;
  const hash = createHash("sha256").update(`${input.baseImageId ?? ""}\n${lines.join("\n")}\n`);
  // Context files the stage copies in (debconf answers): their content decides the stage too.
  for (const file of [...input.contextFiles].sort((a, b) => (a.path < b.path ? -1 : 1)))
    if (lines.some((line) => /^\s*COPY\s/i.test(line) && line.includes(file.path)))
      hash.update(file.path).update("\0").update(file.content);
  return hash.digest("hex").slice(0, 32);
}
