// The archive's debconf answers in a restore (issue 13): written to kura/debconf-selections in the
// build context and given to `debconf-set-selections` before `apt-get install`, so the packages are
// configured as the admin (or the original install) decided: postfix's mailname, slapd's domain...
// Passwords were never kept: the plan says which to enter again. Pure.

import type { Manifest } from "@/lib/archives/manifest";
import { formatDebconfSelections } from "@/lib/archives/parse-debconf-answers";
import { isSecretName } from "@/lib/containers/mask-env";
import type { RestoreWarning } from "@/lib/restores/plan/types";

/** Where the selections sit in the build context (and in the image, under /kura). */
export const DEBCONF_SELECTIONS_FILE = "kura/debconf-selections";

export type PlannedDebconfAnswer = { package: string; question: string; type: string; value: string; secret: boolean };

export type DebconfPlan = {
  /** The answers preseeded, in the order of the file. */
  preseeded: PlannedDebconfAnswer[];
  /** The file's content, or null when nothing is preseeded. */
  selections: string | null;
  warnings: RestoreWarning[];
};

/** A question whose name looks secret ("…/api-key", "…/secret"): its value is masked for viewers. */
export function isSecretQuestion(question: string): boolean {
  const last = question.slice(question.lastIndexOf("/") + 1);
  return isSecretName(last.replace(/-/g, "_"));
}

/**
 * Answers are preseeded only for packages the base image does not already have: those are the ones the build installs
 * and configures from them. A package already in the base (dash, tzdata, libpam-runtime...) was configured by the base
 * with its own answers; changing its debconf database without reconfiguring it would make the two disagree (and
 * pam-auth-update, for one, reads its answer again when a later package adds a profile).
 */
export function planDebconf(input: {
  manifest: Pick<Manifest, "debconf" | "packageManager">;
  baseHasDpkg: boolean;
  /** name -> version of the packages the base image has. */
  baseInstalledPackages: Readonly<Record<string, string>>;
}): DebconfPlan {
  const inBase = (name: string) => Object.prototype.hasOwnProperty.call(input.baseInstalledPackages, name);
  const answers = input.manifest.debconf.filter((answer) => !inBase(answer.package));
  const warnings: RestoreWarning[] = [];
  const passwords = answers.filter((answer) => answer.value === null);
  if (passwords.length) {
    const packages = [...new Set(passwords.map((answer) => answer.package))];
    warnings.push({
      kind: "secret-left-out",
      message:
        `Debconf password question(s) ${passwords.map((answer) => answer.question).join(", ")} were not kept (Kura never ` +
        `archives debconf passwords): enter them again after the restore (dpkg-reconfigure ${packages.join(" ")}), ` +
        "or the packages keep the passwords set in their restored files.",
    });
  }
  const kept = answers.filter((answer) => answer.value !== null);
  if (!kept.length) return { preseeded: [], selections: null, warnings };
  if (!input.baseHasDpkg || input.manifest.packageManager !== "dpkg") {
    warnings.push({
      kind: "other",
      message:
        `${kept.length} debconf answer(s) of the archived packages are not preseeded: the base image has no dpkg. ` +
        "Configure those packages by hand.",
    });
    return { preseeded: [], selections: null, warnings };
  }
  return {
    preseeded: kept.map((answer) => ({
      package: answer.package,
      question: answer.question,
      type: answer.type,
      value: answer.value ?? "",
      secret: isSecretQuestion(answer.question),
    })),
    selections: formatDebconfSelections(kept),
    warnings,
  };
}
