import { Banner } from "@/components/ui/banner";

type ReadWarning = { code: string; path: string | null; message: string };

/** What Kura could not read as it was (a file over a limit, a FIFO where a file was...): said, never skipped in silence. */
export function ReadWarnings({ warnings, what }: { warnings: readonly ReadWarning[]; what: string }) {
  if (!warnings.length) return null;
  return (
    <Banner testId="read-warnings">
      <p className="font-medium">
        {warnings.length === 1 ? "One thing" : `${warnings.length} things`} {what} could not be read as{" "}
        {warnings.length === 1 ? "it was" : "they were"}:
      </p>
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {warnings.map((warning, index) => (
          <li key={index} data-code={warning.code}>
            {warning.message}
          </li>
        ))}
      </ul>
    </Banner>
  );
}
