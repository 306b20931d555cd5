"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { Section } from "@/components/ui/section";
import type { ArchiveSummary } from "@/lib/archives/archive-registry";
import { ApiError } from "@/lib/queries/fetch-json";
import { queryKeys } from "@/lib/queries/keys";
import { useEngineImages } from "@/lib/queries/use-engine-images";
import { useEngines } from "@/lib/queries/use-engines";
import { restoreEnded, useRestore } from "@/lib/queries/use-restore";
import { useRestorePlan } from "@/lib/queries/use-restore-plan";
import { useStartRestore } from "@/lib/queries/use-start-restore";
import { CodeView } from "./code-view";
import { DockerfilePanel } from "./dockerfile-panel";
import { PlanConfigMerges, unresolvedConflicts } from "./plan-config-merges";
import { PlanDebconf } from "./plan-debconf";
import { PlanLeftOut } from "./plan-left-out";
import { PlanLoading } from "./plan-loading";
import { PlanMigrationRules } from "./plan-migration-rules";
import { PlanDistribution } from "./plan-distribution";
import { PlanPackages } from "./plan-packages";
import { PlanSecrets } from "./plan-secrets";
import { PlanServiceChecks } from "./plan-service-checks";
import { PlanWarnings } from "./plan-warnings";
import { RestoreOptions, type RestoreOptionsValue } from "./restore-options";
import { containerNameProblem, defaultContainerName, toStartRestoreInput } from "./restore-model";
import { RestoreRun } from "./restore-run";
import { PlanConfigChecks } from "./plan-config-checks";
import { PlanPathMappings } from "./plan-path-mappings";
import { PlanConversions } from "./plan-conversions";

const select = "w-72 rounded-md border border-slate-300 bg-white px-2 py-1.5";

/** The user's Dockerfile and the generated text it was edited from (to notice a regenerated plan). */
type DockerfileDraft = { basedOn: string; text: string };

/**
 * Plan a restore, review it, adjust it, start it and watch it. The plan is asked for on load and
 * again whenever the engine or the base image changes.
 */
export function RestorePlanner({ archive }: { archive: ArchiveSummary }) {
  const queryClient = useQueryClient();
  const [engineId, setEngineId] = useState(archive.engine.id);
  // undefined = the base the server suggests
  const [baseImage, setBaseImage] = useState<string | undefined>(undefined);
  const plan = useRestorePlan(archive.id, { engineId, baseImage });
  const engines = useEngines();
  const images = useEngineImages(engineId);
  const planData = plan.data;

  const [draft, setDraft] = useState<DockerfileDraft | null>(null);
  const [dropped, setDropped] = useState<{ text: string; baseImage: string } | null>(null);
  const [editing, setEditing] = useState(false);
  const [options, setOptions] = useState<RestoreOptionsValue>({
    containerName: defaultContainerName(archive.container.name),
    checkCommand: "",
    network: "none",
    buildArgs: {},
    configChecks: true,
  });

  // The proposed service check fills the check command until the person writes their own.
  const [checkEdited, setCheckEdited] = useState(false);
  const [proposedCheck, setProposedCheck] = useState<string | null>(null);
  if (planData && !checkEdited && proposedCheck !== planData.serviceChecks.command) {
    setProposedCheck(planData.serviceChecks.command);
    setOptions({ ...options, checkCommand: planData.serviceChecks.command });
  }
  function changeOptions(next: RestoreOptionsValue) {
    if (next.checkCommand !== options.checkCommand) setCheckEdited(true);
    setOptions(next);
  }

  const startRestore = useStartRestore(archive.id);
  const canRestore = useCan("operator");
  const started = startRestore.data;
  const startedRestore = useRestore(started?.restoreId ?? null);
  const restoreRunning = Boolean(started) && !(startedRestore.data && restoreEnded(startedRestore.data.state));
  const runSection = useRef<HTMLDivElement>(null);

  // A new plan with a different Dockerfile (another base, changed rules) replaces the edits:
  // adjust the state while rendering rather than in an effect, so no stale frame shows them.
  if (planData && draft && draft.basedOn !== planData.dockerfile) {
    setDropped({ text: draft.text, baseImage: planData.baseImage });
    setDraft(null);
  }

  const chosenBase = baseImage ?? planData?.baseImage ?? "";
  const suggested = planData?.baseImageChoices ?? [];
  const suggestedBases = chosenBase && !suggested.includes(chosenBase) ? [chosenBase, ...suggested] : suggested;
  const otherBases = [...new Set((images.data ?? []).flatMap((image) => image.tags))].filter((tag) => !suggestedBases.includes(tag)).sort();
  const dockerfile = draft?.text ?? planData?.dockerfile ?? "";
  const nameProblem = containerNameProblem(options.containerName);
  // A restore cannot start while a configuration merge conflict waits for a person (the build would stop at it).
  const conflicts = unresolvedConflicts(planData?.merges ?? null);
  const engineChoices = engines.data?.map(({ id, name, reachable }) => ({ id, name, reachable })) ?? [
    { id: archive.engine.id, name: archive.engine.name, reachable: true },
  ];

  function chooseBase(next: string) {
    // Picking the base the plan already uses needs no second trip to the repositories.
    if (planData && next === planData.baseImage) queryClient.setQueryData(queryKeys.restorePlan(archive.id, engineId, next), planData);
    setBaseImage(next);
  }

  function start() {
    if (!planData) return;
    startRestore.mutate(
      toStartRestoreInput({
        engineId,
        baseImage: planData.baseImage,
        generatedDockerfile: planData.dockerfile,
        dockerfile,
        buildArgNames: planData.buildArgs,
        ...options,
      }),
      { onSuccess: () => requestAnimationFrame(() => runSection.current?.scrollIntoView({ behavior: "smooth", block: "start" })) },
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <label>
          <span className="mb-1 block text-slate-600">Engine</span>
          <select
            aria-label="Engine"
            className={select}
            value={engineId}
            onChange={(event) => {
              setEngineId(event.target.value);
              setBaseImage(undefined);
            }}
          >
            {engineChoices.map((engine) => (
              <option key={engine.id} value={engine.id} disabled={!engine.reachable && engine.id !== engineId}>
                {engine.name}
                {engine.reachable ? "" : " (unreachable)"}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="mb-1 block text-slate-600">Base image</span>
          <select aria-label="Base image" className={select} value={chosenBase} onChange={(event) => chooseBase(event.target.value)}>
            {!chosenBase ? <option value="">the suggested base…</option> : null}
            {suggestedBases.length ? (
              <optgroup label="Suggested for this archive">
                {suggestedBases.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {otherBases.length ? (
              <optgroup label="Other images on this engine">
                {otherBases.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <p className="max-w-md pb-1 text-xs text-slate-500">
          The archive came from <code className="font-mono">{archive.container.image}</code>. The base should be a newer release of the same
          distribution; its image must be on the engine.
        </p>
        {plan.isFetching && planData ? <span className="pb-1 text-xs text-slate-500">updating the plan…</span> : null}
      </div>
      {images.error ? (
        <Banner tone="amber">Cannot list the engine&apos;s images ({images.error.message}); only the suggested bases are offered.</Banner>
      ) : null}

      {dropped ? (
        <Banner tone="amber" testId="dockerfile-edits-dropped">
          The plan was regenerated for <code className="font-mono">{dropped.baseImage}</code> and its Dockerfile changed, so your Dockerfile
          edits were dropped.{" "}
          <button
            type="button"
            className="font-medium underline"
            onClick={() => {
              if (planData) setDraft({ basedOn: planData.dockerfile, text: dropped.text });
              setEditing(true);
              setDropped(null);
            }}
          >
            Put my edits back
          </button>{" "}
          ·{" "}
          <button type="button" className="font-medium underline" onClick={() => setDropped(null)}>
            Dismiss
          </button>
        </Banner>
      ) : null}

      {plan.error ? (
        <Banner tone="red" testId="restore-plan-error">
          Cannot plan the restore: {plan.error.message}{" "}
          {plan.error instanceof ApiError && plan.error.status === 403 ? null : (
            <button type="button" className="font-medium underline" onClick={() => void plan.refetch()}>
              Try again
            </button>
          )}
        </Banner>
      ) : null}
      {!planData ? (
        plan.error ? null : (
          <PlanLoading key={`${engineId}/${baseImage ?? ""}`} baseImage={baseImage ?? null} />
        )
      ) : (
        <>
          <PlanWarnings warnings={planData.warnings} />
          <PlanSecrets paths={planData.secretsKept} />
          <PlanLeftOut leftOut={planData.leftOut} />
          <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
            <PlanPackages packages={planData.packages} checked={planData.packagesChecked} />
            <PlanMigrationRules rules={planData.migrationRules} />
          </div>
          <PlanDistribution rules={planData.distributionRules} news={planData.news} />
          <PlanConfigMerges archiveId={archive.id} engineId={engineId} baseImage={planData.baseImage} merges={planData.merges ?? null} />
          <PlanDebconf answers={planData.debconf} />
          <PlanPathMappings pathMappings={planData.pathMappings} />
          <PlanConversions conversions={planData.conversions} />
          <DockerfilePanel
            generated={planData.dockerfile}
            text={dockerfile}
            editing={editing}
            onEditingChange={setEditing}
            onChange={(text) => setDraft(text === planData.dockerfile ? null : { basedOn: planData.dockerfile, text })}
            onRevert={() => setDraft(null)}
          />
          <Section title="Restore script" testId="restore-script">
            <p className="mb-2 text-xs text-slate-500">
              The script the Dockerfile runs to put the archived data back in place; it is generated with the plan and is not edited here.
            </p>
            <CodeView code={planData.restoreScript} language="bash" testId="restore-script-view" label="Restore script" />
            {/* A bundle holds every archived file, secrets included: exporting is an operator's action. */}
            {canRestore ? (
              <p className="mt-2 text-xs text-slate-600">
                Without Kura:{" "}
                <a
                  className="font-medium text-sky-700 underline"
                  data-testid="bundle-for-base"
                  href={`/api/archives/${archive.id}/bundle?base=${encodeURIComponent(planData.baseImage)}`}
                  download
                >
                  download a bundle built for {planData.baseImage}
                </a>{" "}
                (the generated Dockerfile, not your edits); <code className="font-mono">docker build - &lt; bundle.tar.gz</code> rebuilds
                it.
              </p>
            ) : (
              <p className="mt-2 text-xs text-slate-500" data-testid="bundle-for-base-role">
                {needsRole("operator", "Downloading a bundle")} A bundle holds every archived file, secrets included.
              </p>
            )}
          </Section>
          <Section title="Restore as" testId="restore-options">
            <PlanConfigChecks
              checks={planData.configChecks}
              enabled={options.configChecks}
              onEnabledChange={(configChecks) => changeOptions({ ...options, configChecks })}
            />
            <PlanServiceChecks checks={planData.serviceChecks} />
            <RestoreOptions value={options} onChange={changeOptions} buildArgNames={planData.buildArgs} />
            <div className="mt-4 flex items-center gap-3">
              {canRestore ? (
                <Button
                  onClick={start}
                  disabled={Boolean(nameProblem) || startRestore.isPending || restoreRunning || plan.isFetching || conflicts.length > 0}
                >
                  {startRestore.isPending ? "Starting…" : "Restore"}
                </Button>
              ) : (
                <span className="text-xs font-medium text-slate-700" data-testid="restore-read-only">
                  {needsRole("operator", "Restoring")}
                </span>
              )}
              <span className="text-xs text-slate-500">
                Builds {draft ? "your edited Dockerfile" : "the generated Dockerfile"} on{" "}
                {engineChoices.find((engine) => engine.id === engineId)?.name ?? engineId}, starts{" "}
                <code className="font-mono">{options.containerName || "…"}</code> and verifies every file against the archive. The original
                container is not touched.
              </span>
            </div>
            {conflicts.length ? (
              <div className="mt-3">
                <Banner tone="amber" testId="restore-blocked-by-conflicts">
                  The restore waits for {conflicts.length} configuration merge conflict(s) to be resolved ({conflicts.join(", ")}): resolve
                  them under Configuration merges above.
                </Banner>
              </div>
            ) : null}
            {startRestore.error ? (
              <div className="mt-3">
                <Banner tone="red">{startRestore.error.message}</Banner>
              </div>
            ) : null}
          </Section>
        </>
      )}

      <div ref={runSection} className="scroll-mt-4">
        {started ? <RestoreRun key={started.restoreId} archiveId={archive.id} jobId={started.jobId} restoreId={started.restoreId} /> : null}
      </div>
    </div>
  );
}
