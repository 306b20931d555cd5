"use client";
import type { CapturePlan } from "@/lib/queries/api-types";

export type QuiesceChoice = CapturePlan["defaultQuiesce"];

const MODES: { value: QuiesceChoice; label: string }[] = [
  { value: "live", label: "Live: keep it running" },
  { value: "pause", label: "Pause it for the copy (then unpause)" },
  { value: "stop", label: "Stop it for the copy (then start)" },
];

/**
 * Issue 15, in the archive form: how a running container is held while its raw files are copied, and the capture
 * recipes that will run first (inside the container, while the service runs).
 */
export function ArchiveCaptureChoice({
  plan,
  loading,
  quiesce,
  onQuiesceChange,
  captures,
  onCapturesChange,
}: {
  plan: CapturePlan | undefined;
  loading: boolean;
  quiesce: QuiesceChoice;
  onQuiesceChange: (mode: QuiesceChoice) => void;
  captures: boolean;
  onCapturesChange: (run: boolean) => void;
}) {
  const running = plan?.running ?? true;
  return (
    <div className="w-full space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3" data-testid="archive-capture-choice">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2">
          <span className="text-slate-600">While the files are copied</span>
          <select
            aria-label="Quiesce mode"
            className="rounded-md border border-slate-300 bg-white px-2 py-1"
            value={quiesce}
            disabled={!running}
            onChange={(event) => onQuiesceChange(event.target.value as QuiesceChoice)}
          >
            {MODES.map((mode) => (
              <option key={mode.value} value={mode.value}>
                {mode.label}
                {plan?.defaultQuiesce === mode.value ? " (default)" : ""}
              </option>
            ))}
          </select>
        </label>
        {plan?.recipes.length ? (
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={captures} onChange={(event) => onCapturesChange(event.target.checked)} />
            <span className="text-slate-600">Run the capture recipes first</span>
          </label>
        ) : null}
      </div>
      {loading ? <p className="text-xs text-slate-500">Looking for databases…</p> : null}
      {plan ? (
        <p className="text-xs text-slate-600" data-testid="archive-capture-advice">
          {plan.advice}
        </p>
      ) : null}
      {plan?.recipes.length ? (
        <ul className="space-y-1 text-xs" data-testid="archive-capture-recipes">
          {plan.recipes.map((recipe) => (
            <li
              key={recipe.id}
              data-testid="archive-capture-recipe"
              data-recipe={recipe.id}
              className={captures && running ? "" : "opacity-50"}
            >
              <strong>{recipe.service}</strong> ({recipe.package} {recipe.packageVersion}):{" "}
              <code className="font-mono">{recipe.argv.join(" ")}</code> as <code className="font-mono">{recipe.user}</code>
              {recipe.perItem ? ", once per database" : ""}
              {recipe.format === "none" ? ", makes the raw files consistent" : `, output kept as ${recipe.format}`}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
