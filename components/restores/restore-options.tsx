"use client";
import { containerNameProblem, toOneLine } from "./restore-model";

const input = "rounded-md border border-slate-300 px-3 py-1.5";

export type RestoreOptionsValue = {
  containerName: string;
  checkCommand: string;
  network: "none" | "default";
  buildArgs: Record<string, string>;
  /** Run the plan's configuration checkers before the service starts. */
  configChecks: boolean;
};

/** What to call the restored container, how to check it, its network, and the left-out secrets. */
export function RestoreOptions({
  value,
  onChange,
  buildArgNames,
}: {
  value: RestoreOptionsValue;
  onChange: (value: RestoreOptionsValue) => void;
  buildArgNames: string[];
}) {
  const nameProblem = containerNameProblem(value.containerName);
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2">
        <label className="block">
          <span className="mb-1 block text-slate-600">Container name</span>
          <input
            aria-label="Container name"
            aria-invalid={Boolean(nameProblem)}
            className={`w-full font-mono ${input} ${nameProblem ? "border-red-400" : ""}`}
            value={value.containerName}
            onChange={(event) => onChange({ ...value, containerName: event.target.value })}
          />
          {nameProblem ? (
            <span className="mt-1 block text-xs text-red-700" data-testid="container-name-error">
              {nameProblem}
            </span>
          ) : null}
        </label>
        <fieldset>
          <legend className="mb-1 text-slate-600">Network</legend>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="restore-network"
              value="none"
              checked={value.network === "none"}
              onChange={() => onChange({ ...value, network: "none" })}
            />
            <span>Isolated: no network (default)</span>
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="restore-network"
              value="default"
              checked={value.network === "default"}
              onChange={() => onChange({ ...value, network: "default" })}
            />
            <span>The engine&apos;s default network</span>
          </label>
        </fieldset>
      </div>
      <label className="block">
        <span className="mb-1 block text-slate-600">Check command (optional)</span>
        <input
          aria-label="Check command"
          className={`w-full font-mono ${input}`}
          placeholder="e.g. smbclient -N -L localhost   or   test -f /srv/data/index.db"
          value={value.checkCommand}
          onChange={(event) => onChange({ ...value, checkCommand: toOneLine(event.target.value) })}
        />
        <span className="mt-1 block text-xs text-slate-500">
          One line, run inside the restored container with <code className="font-mono">sh -c</code> once it has started and its files are
          verified. Exit code 0 means the service came back; its output is kept with the result.
        </span>
      </label>
      {buildArgNames.length ? (
        <fieldset className="space-y-2 rounded-md border border-amber-200 bg-amber-50/50 p-3">
          <legend className="px-1 text-slate-700">Secrets the archive left out</legend>
          <p className="text-xs text-slate-600">
            The archive did not keep these values. Give them here to build the image with them; they are passed to this build only and are
            not stored by Kura. Left empty, the image is built without them.
          </p>
          {buildArgNames.map((name) => (
            <label key={name} className="flex items-center gap-3">
              <span className="w-56 shrink-0 font-mono text-xs">{name}</span>
              <input
                type="password"
                autoComplete="new-password"
                aria-label={name}
                className={`w-80 ${input}`}
                value={value.buildArgs[name] ?? ""}
                onChange={(event) => onChange({ ...value, buildArgs: { ...value.buildArgs, [name]: event.target.value } })}
              />
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  );
}
