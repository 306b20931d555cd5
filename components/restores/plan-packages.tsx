import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

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
    </Section>
  );
}
