import { Badge, type Tone } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

type Decision = RestorePlanView["packages"]["decisions"][number];

const OUTCOME: Record<Decision["kind"], { label: string; tone: Tone }> = {
  install: { label: "installed", tone: "green" },
  renamed: { label: "renamed", tone: "blue" },
  "already-in-new-base": { label: "in the new base", tone: "gray" },
  "not-available": { label: "not available", tone: "amber" },
  "in-base-image": { label: "original base", tone: "gray" },
  "in-minimal-set": { label: "minimal set", tone: "gray" },
  dependency: { label: "dependency", tone: "gray" },
  "not-marked": { label: "not by hand", tone: "gray" },
  "invalid-name": { label: "invalid name", tone: "red" },
  "no-package-manager": { label: "no apt", tone: "amber" },
};

// Shown without opening anything: what was installed by hand (installed or not). The base's own packages and
// the dependencies apt pulled in (usually most of them) are behind a disclosure when the list is long.
const QUIET_KINDS = new Set<Decision["kind"]>(["in-base-image", "in-minimal-set", "dependency", "not-marked"]);
const SHOW_ALL_UP_TO = 12;

function DecisionRows({ decisions }: { decisions: Decision[] }) {
  return (
    <table className="w-full text-left text-xs">
      <tbody>
        {decisions.map((decision) => (
          <tr
            key={decision.name}
            data-testid="plan-package-decision"
            data-package={decision.name}
            data-install={decision.install ? "yes" : "no"}
            className="border-t border-slate-100 align-top"
          >
            <td className="py-1 pr-2 font-mono">
              {decision.name}
              {decision.installs.length && decision.installs.join(" ") !== decision.name ? (
                <span className="text-slate-500"> → {decision.installs.join(" ")}</span>
              ) : null}
            </td>
            <td className="py-1 pr-2 whitespace-nowrap">
              <Badge tone={OUTCOME[decision.kind].tone}>{OUTCOME[decision.kind].label}</Badge>
            </td>
            <td className="py-1 text-slate-600">{decision.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why each archived package is installed or not, and against which list of the original base's packages. */
function PackageDecisions({ packages }: { packages: RestorePlanView["packages"] }) {
  const { decisions, originalBase } = packages;
  if (!decisions.length) return null;
  const long = decisions.length > SHOW_ALL_UP_TO;
  const shown = long ? decisions.filter((decision) => !QUIET_KINDS.has(decision.kind)) : decisions;
  const folded = long ? decisions.filter((decision) => QUIET_KINDS.has(decision.kind)) : [];
  return (
    <div className="mt-3" data-testid="plan-package-decisions">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Why each package is installed or not</h3>
      <p className="mb-1 text-xs text-slate-500" data-testid="plan-package-base">
        {originalBase
          ? "Installed by hand means: not in the original base and not pulled in by apt. " +
            `The original base's packages: ${originalBase.description}.`
          : "This archive was made before Kura recorded why: its marks of what was installed by hand are used as they are."}
      </p>
      {shown.length ? <DecisionRows decisions={shown} /> : null}
      {folded.length ? (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer text-slate-600">
            {folded.length} more not installed (the original base&apos;s own packages and the dependencies apt pulled in)
          </summary>
          <div className="max-h-96 overflow-y-auto">
            <DecisionRows decisions={folded} />
          </div>
        </details>
      ) : null}
    </div>
  );
}

/** The packages the Dockerfile installs, those the base already has, and those it lacks. */
export function PlanPackages({ packages, checked }: { packages: RestorePlanView["packages"]; checked: boolean }) {
  return (
    <Section title={`Packages (${packages.install.length} to install)`} testId="restore-plan-packages">
      {!checked ? (
        <p className="mb-2 text-xs text-amber-800">
          The base&apos;s repositories could not be asked (the build network may be off), so this list is unchecked: a missing package shows
          up when the image is built.
        </p>
      ) : null}
      {packages.install.length ? (
        <div className="flex flex-wrap gap-1">
          {packages.install.map((name) => (
            <code key={name} data-testid="plan-package" className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">
              {name}
            </code>
          ))}
        </div>
      ) : (
        <p className="text-slate-500">Nothing to install: the base has what the service needs.</p>
      )}
      {packages.missing.length ? (
        <div className="mt-3">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-amber-800">Not in the base&apos;s repositories</h3>
          <ul className="space-y-0.5 text-xs">
            {packages.missing.map((pkg) => (
              <li key={pkg.name} data-testid="plan-missing-package">
                <code className="font-mono">{pkg.name}</code>{" "}
                {pkg.replacement ? (
                  <>
                    → installs <code className="font-mono">{pkg.replacement}</code> instead
                  </>
                ) : (
                  <Badge tone="amber">no replacement: left out</Badge>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {packages.alreadyInBase.length ? (
        <details className="mt-3 text-xs">
          <summary className="cursor-pointer text-slate-600">{packages.alreadyInBase.length} already in the base image</summary>
          <p className="mt-1 font-mono text-slate-500">{packages.alreadyInBase.join(" ")}</p>
        </details>
      ) : null}
      <PackageDecisions packages={packages} />
    </Section>
  );
}
