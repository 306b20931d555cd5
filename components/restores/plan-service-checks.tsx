import type { RestorePlanView } from "@/lib/restores/types";

/** The checks Kura proposes from the packages: the service itself must answer, not only its files match. */
export function PlanServiceChecks({ checks }: { checks: RestorePlanView["serviceChecks"] }) {
  if (!checks.proposed.length)
    return (
      <p className="mb-3 text-xs text-slate-500" data-testid="service-checks" data-count={0}>
        Kura knows no check for these packages: write one below (a client of the service, or a request to its port), so the result says
        whether the service answered and not only whether its files came back.
      </p>
    );
  return (
    <div className="mb-3 text-sm" data-testid="service-checks" data-count={checks.proposed.length}>
      <p className="mb-1 text-slate-600">Kura proposes these checks (the check command below runs them all; edit it freely):</p>
      <ul className="list-disc space-y-0.5 pl-5 text-slate-700">
        {checks.proposed.map((check) => (
          <li key={check.service}>
            <strong>{check.service}</strong> (package {check.package}): {check.proves}
          </li>
        ))}
      </ul>
    </div>
  );
}
