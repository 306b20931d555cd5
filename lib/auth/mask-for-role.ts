import type { z } from "zod";
import type { manifestViewSchema } from "@/lib/api/contract/archives";
import type { Manifest } from "@/lib/archives/manifest";
import { maskDockerfileEnv } from "@/lib/containers/mask-dockerfile-env";
import { MASK, maskEnv } from "@/lib/containers/mask-env";
import { isSecretQuestion } from "@/lib/restores/plan/plan-debconf";
import type { MergeConflicts, RestorePlanView, RestoreView } from "@/lib/restores/types";
import { allows, type Role } from "./roles";

// What a viewer may not read: secret values an archive kept (keepSecrets) in its manifest, and the
// Dockerfiles, diffs and build logs made from it. Operators and admins, who can export the whole
// archive anyway, see them. Pure.

type ManifestView = z.infer<typeof manifestViewSchema>;

/** Operators and admins see kept secrets; viewers do not. */
export function seesSecrets(role: Role): boolean {
  return allows(role, "operator");
}

export function maskManifestFor(role: Role, manifest: Manifest): ManifestView {
  if (seesSecrets(role)) return manifest;
  const env = manifest.config.env.map((variable) => {
    if (variable.value === null) return variable;
    const shown = maskEnv([`${variable.name}=${variable.value}`])[0];
    return shown && (shown.masked || shown.value !== variable.value) ? { ...variable, value: shown.value, masked: true } : variable;
  });
  // Debconf answers to questions whose names look secret (passwords are never kept at all).
  // (?? []: callers may hand a partial manifest or plan; a parsed one always has the list.)
  const debconf = (manifest.debconf ?? []).map((answer) =>
    answer.value !== null && isSecretQuestion(answer.question) ? { ...answer, value: MASK } : answer,
  );
  return { ...manifest, config: { ...manifest.config, env }, debconf };
}

type Rewrites = RestoreView["rewrites"];
/** A rewritten configuration line may hold more than the path (a password beside it): viewers see which lines, not what they say. */
const maskRewrites = (rewrites: Rewrites): Rewrites =>
  rewrites.map((rewrite) => ({ ...rewrite, lines: rewrite.lines.map((line) => ({ line: line.line, before: MASK, after: MASK })) }));

export function maskPlanFor(role: Role, plan: RestorePlanView): RestorePlanView {
  if (seesSecrets(role)) return plan;
  const debconf = (plan.debconf ?? []).map((answer) => (answer.secret ? { ...answer, value: MASK, masked: true } : answer));
  const pathMappings = plan.pathMappings ? { ...plan.pathMappings, rewrites: maskRewrites(plan.pathMappings.rewrites) } : plan.pathMappings;
  return { ...plan, dockerfile: maskDockerfileEnv(plan.dockerfile), debconf, ...(pathMappings === undefined ? {} : { pathMappings }) };
}

export function maskRestoreFor(role: Role, restore: RestoreView): RestoreView {
  if (seesSecrets(role)) return restore;
  return {
    ...restore,
    dockerfileDiff: maskDockerfileEnv(restore.dockerfileDiff),
    ...(restore.dockerfile === undefined ? {} : { dockerfile: maskDockerfileEnv(restore.dockerfile) }),
    ...(restore.log === undefined ? {} : { log: maskDockerfileEnv(restore.log) }),
    ...(restore.rewrites === undefined ? {} : { rewrites: maskRewrites(restore.rewrites) }),
  };
}

/**
 * A merge conflict's archived texts (the admin's edit, the merge with markers, the edited lines of each hunk, a saved
 * resolution) are archived file content, which viewers do not read (they cannot download a bundle either); the
 * packages' own texts (old and new default) stay.
 */
export function maskMergeConflictsFor(role: Role, conflicts: MergeConflicts): MergeConflicts {
  if (seesSecrets(role)) return conflicts;
  return {
    ...conflicts,
    conflicts: conflicts.conflicts.map((conflict) => ({
      ...conflict,
      edited: "",
      withMarkers: "",
      hunks: conflict.hunks.map((hunk) => ({ ...hunk, edited: [] })),
      resolution: conflict.resolution ? { ...conflict.resolution, text: "" } : null,
      masked: true,
    })),
  };
}
