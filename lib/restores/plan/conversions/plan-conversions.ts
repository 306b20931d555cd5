// Every data conversion the restore runs (issue 15), from the planners registered here, one per kind of data.
// Pure.

import { planMariadbUpgrade } from "./plan-mariadb-upgrade";
import { planOpenldap } from "./plan-openldap";
import { planPostgresqlMajor } from "./plan-postgresql-major";
import { planPythonVenv } from "./plan-python-venv";
import { planUpgradeRules } from "./plan-upgrade-rules";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan, type ConversionPlanner } from "./types";

/** The planners, in the order their steps run in the image's stage. */
export const CONVERSION_PLANNERS: readonly ConversionPlanner[] = [
  planPostgresqlMajor,
  planMariadbUpgrade,
  planOpenldap,
  planPythonVenv,
  planUpgradeRules,
];

export function planConversions(input: ConversionInput, planners: readonly ConversionPlanner[] = CONVERSION_PLANNERS): ConversionPlan {
  const plan = emptyConversionPlan();
  for (const planner of planners) {
    const part = planner(input);
    if (!part) continue;
    plan.conversions.push(...part.conversions);
    plan.stages.push(...part.stages);
    plan.finalLines.push(...part.finalLines);
    plan.contextFiles.push(...part.contextFiles);
    plan.install.push(...part.install.filter((name) => !plan.install.includes(name)));
    plan.warnings.push(...part.warnings);
    if (part.firstStart?.length) plan.firstStart = [...(plan.firstStart ?? []), ...part.firstStart];
    if (part.skipPayload?.length) plan.skipPayload = [...(plan.skipPayload ?? []), ...part.skipPayload];
  }
  return plan;
}
