// An admin's upgrade rules (issue 15): migration rules of kind "upgrade", keyed on a package's version ranges, whose
// shell lines run inside the restored image, as root: in the build, without network, after the restored files are
// copied over / ("build"), or once when the container first starts, before its command ("first-start"). Each step's
// file starts by setting KURA_DATA, KURA_FROM_VERSION and KURA_TO_VERSION; the lines are the admin's, run with sh -e,
// never on the host. The built-in ones have planners of their own (PostgreSQL, MariaDB). Pure.

import { matchMigrationRules } from "@/lib/restores/plan/match-migration-rules";
import { shellQuote } from "@/lib/restores/plan/quote-shell";
import { emptyConversionPlan, type ConversionInput, type ConversionPlan } from "./types";
import { isUpgradeRule } from "./upgrade-rules";

export const FIRST_START_SCRIPT = "kura/first-start.sh";

/** Runs the first-start steps once (a marker in /kura), then the container's own command. */
const FIRST_START = `#!/bin/sh
# Kura (issue 15): the upgrade steps that run once, when the container first starts, before its own command.
if [ ! -e /kura/first-start.done ]; then
  for step in /kura/first-start.d/*.sh; do
    [ -f "$step" ] || continue
    echo "kura first start: $step"
    /bin/sh -e "$step" || { echo "kura first start: $step failed" >&2; exit 1; }
  done
  : >/kura/first-start.done
fi
exec "$@"
`;

export function planUpgradeRules(input: ConversionInput): ConversionPlan | null {
  const rules = (input.rules ?? []).filter((rule) => !rule.builtIn && isUpgradeRule(rule));
  if (rules.length === 0) return null;
  const plan = emptyConversionPlan();
  const matches = matchMigrationRules({ rules, archivedPackages: input.archivedPackages, newVersions: input.newPackages });
  matches.forEach((match, index) => {
    const { rule } = match;
    if (match.status === "not-applicable" || rule.action.kind !== "upgrade") return;
    const action = rule.action;
    const name = `${String(index + 1).padStart(2, "0")}-${rule.id}.sh`;
    const path = action.when === "build" ? `kura/convert/${name}` : `kura/first-start.d/${name}`;
    const lines = [
      "#!/bin/sh",
      `# Kura (issue 15): the upgrade rule ${rule.id} (${rule.package} ${rule.fromVersions} -> ${rule.toVersions}), run with sh -e.`,
      `KURA_DATA=${shellQuote(action.data)}`,
      `KURA_FROM_VERSION=${shellQuote(match.fromVersion ?? "")}`,
      "KURA_TO_VERSION=$(dpkg-query -W -f '${Version}' " + `${shellQuote(rule.package)} 2>/dev/null || true)`,
      "export KURA_DATA KURA_FROM_VERSION KURA_TO_VERSION",
      `echo ${shellQuote(`kura upgrade rule ${rule.id}: ${rule.package} `)}"$KURA_FROM_VERSION -> $KURA_TO_VERSION, data $KURA_DATA"`,
      ...action.run,
      "",
    ];
    plan.contextFiles.push({ path, content: lines.join("\n"), mode: 0o755 });
    if (action.when === "build") plan.finalLines.push(`RUN ["/bin/sh", "-e", "/${path}"]`);
    else plan.firstStart = [...(plan.firstStart ?? []), `/${path}`];
    plan.conversions.push({
      id: rule.id,
      what: `${action.data} (rule ${rule.id})`,
      data: action.data,
      package: rule.package,
      fromVersion: match.fromVersion,
      toVersion: match.toVersion,
      method: `${action.when === "build" ? "in the build, without network" : "once, when the container first starts"}: ${action.run.join("; ")}`,
      source: `rule ${rule.id}: ${match.reason}`,
      status: "planned",
    });
  });
  if (plan.firstStart?.length) plan.contextFiles.push({ path: FIRST_START_SCRIPT, content: FIRST_START, mode: 0o755 });
  return plan.conversions.length ? plan : null;
}
