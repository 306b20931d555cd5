import { Banner } from "@/components/ui/banner";
import type { PlanWarning } from "@/lib/restores/types";

const headings: Record<string, string> = {
  "missing-package": "Package missing on the base",
  "uid-collision": "UID collision",
  "gid-collision": "GID collision",
  "secret-left-out": "Secret left out",
  "no-package-manager": "No package manager",
  "identity-changes": "The service will not be the same server",
  other: "Note",
};

function heading(kind: string): string {
  const words = kind.replace(/[-_]+/g, " ").trim();
  return headings[kind] ?? (words ? words.charAt(0).toUpperCase() + words.slice(1) : "Warning");
}

/** The plan's warnings, first on the page: what will not come back as it was. */
export function PlanWarnings({ warnings }: { warnings: PlanWarning[] }) {
  if (!warnings.length) return null;
  return (
    <div data-testid="restore-plan-warnings" className="space-y-2">
      {warnings.map((warning, index) => (
        <Banner key={`${warning.kind}-${index}`} tone="amber">
          <span data-kind={warning.kind}>
            <strong className="font-semibold">{heading(warning.kind)}:</strong> {warning.message}
          </span>
        </Banner>
      ))}
    </div>
  );
}
