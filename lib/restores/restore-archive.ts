import { createTwoFilesPatch } from "diff";
import { AppError, conflict } from "@/lib/api/app-error";
import { store } from "@/lib/store/store";
import { writeBundle } from "@/lib/bundles/write-bundle";
import { writeBuildContext } from "@/lib/bundles/write-build-context";
import { recordEvent } from "@/lib/audit/record-event";
import { db } from "@/lib/db";
import { buildImage } from "@/lib/docker/build-image";
import { execInContainer } from "@/lib/docker/exec-in-container";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { inspectImage } from "@/lib/docker/inspect-image";
import { removeContainer, removeImage, runContainer } from "@/lib/docker/run-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { env } from "@/lib/env";
import { getArchiveSummary } from "@/lib/archives/archive-registry";
import { makeRestorePlan, readStageForPlan } from "@/lib/restores/make-restore-plan";
import { PACKAGES_STAGE } from "@/lib/restores/plan/generate-dockerfile";
import type { PlannedConversion } from "@/lib/restores/plan/conversions/types";
import type { RestoreStep, RestoreVerification, StartRestoreInput } from "@/lib/restores/types";
import { startJob, type JobContext } from "../jobs/job-runner";
import { verifyRestoredFiles, type Move } from "./verify-restored-files";
import { runConfigChecks, type ConfigCheckResult } from "./run-config-checks";
import { PACKAGES_STAGE_LABEL } from "@/lib/restores/package-stage/packages-stage-key";
import { packagesStageContextFiles } from "@/lib/restores/package-stage/packages-stage-context";
import { listLabelledImages } from "@/lib/docker/find-labelled-image";
import type { ConfigMerge } from "@/lib/restores/plan/plan-config-merges";

// Restore: plan for the base image, build the image from the archive (the same build context as
// an exported bundle), create and start the container, read every archived file back and compare
// it with the manifest, then run the person's check command. A failing step ends the job with
// that step named; a failed build leaves no container and no image behind.

const MAX_LOG = 200 * 1024;
const LOG_FLUSH_MS = 500;

function slug(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/^[-.]+|[-.]+$/g, "")
      .slice(0, 60) || "archive"
  );
}

/** Whether the Dockerfile has the stage `name` ("FROM ... AS kura-packages"). */
function hasStage(dockerfile: string, name: string): boolean {
  return new RegExp(`^\\s*FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, "im").test(dockerfile);
}

/** What the restore result and the audit say of each configuration merge. */
function summarizeMerges(merges: ConfigMerge[]) {
  return merges.map((merge) => ({
    path: merge.path,
    package: merge.package,
    status: merge.status,
    reason: merge.reason,
    pristineOrigin: merge.pristineOrigin,
  }));
}

class StepFailure extends Error {
  constructor(
    readonly step: RestoreStep,
    message: string,
  ) {
    super(message);
  }
}

async function runRestore(context: JobContext, restoreId: string, archiveId: string, input: StartRestoreInput & { actor: string }) {
  const { signal, progress } = context;
  let step: RestoreStep = "plan";
  let log = "";
  let flushTimer: NodeJS.Timeout | null = null;
  const flush = async () => {
    flushTimer = null;
    await db.restore.update({ where: { id: restoreId }, data: { log } }).catch(() => undefined);
  };
  const appendLog = (line: string) => {
    log += `${line}\n`;
    if (log.length > MAX_LOG) log = `[… earlier lines dropped]\n${log.slice(log.length - MAX_LOG)}`;
    flushTimer ??= setTimeout(() => void flush(), LOG_FLUSH_MS);
  };
  const enter = async (next: RestoreStep, message: string) => {
    step = next;
    progress({ message });
    appendLog(`== ${message}`);
    await db.restore.update({ where: { id: restoreId }, data: { step } });
  };
  let containerId: string | null = null;
  let imageId: string | null = null;
  let packagesImageId: string | null = null;
  let configChecks: ConfigCheckResult[] = [];
  let removeOlderStages: (() => Promise<void>) | null = null;
  let merges: ConfigMerge[] = [];
  const restore = await db.restore.findUniqueOrThrow({ where: { id: restoreId } });
  try {
    await enter("plan", `Planning the restore onto ${input.baseImage}`);
    let prepared = await makeRestorePlan(archiveId, { engineId: input.engineId, baseImage: input.baseImage });
    const { manifest, engine } = prepared;
    const { plan } = prepared;
    const dockerfile = input.dockerfile ?? plan.dockerfile;
    const edited = input.dockerfile !== undefined && input.dockerfile !== plan.dockerfile;
    const diff = edited ? createTwoFilesPatch("Dockerfile (generated)", "Dockerfile (edited)", plan.dockerfile, dockerfile) : "";
    const applied = plan.migrationRules.filter((match) => match.status !== "not-applicable");
    await db.restore.update({
      where: { id: restoreId },
      data: {
        dockerfile,
        dockerfileEdited: edited,
        dockerfileDiff: diff,
        warnings: JSON.stringify(prepared.view.warnings),
        appliedRules: JSON.stringify(applied.map((match) => match.rule.id)),
      },
    });
    for (const warning of prepared.view.warnings) appendLog(`warning: ${warning.message}`);
    const noteConversions = async (conversions: PlannedConversion[]) => {
      await db.restore.update({ where: { id: restoreId }, data: { conversions: JSON.stringify(conversions) } });
      for (const item of conversions)
        appendLog(
          `conversion ${item.status}: ${item.what} (${item.package} ${item.fromVersion ?? "?"} -> ${item.toVersion ?? "?"}): ${item.method}`,
        );
    };
    await noteConversions(plan.conversions);

    await enter("build", `Building ${restore.imageTag} from ${input.baseImage}`);
    progress({ done: 0, total: 1, unit: "steps" });
    // The packages stage's build (the classic builder stops at the target) needs only the Dockerfile and the files that
    // stage copies in (issue 15): not the archived payload and captures, sent again with the full build. Not when the
    // Dockerfile is edited or the base has ONBUILD steps (they may read anything from the context).
    const baseOnBuild = ((await inspectImage(engine, input.baseImage))?.onBuild.length ?? 0) > 0;
    const context = (target: string | undefined) => {
      const stageFiles =
        target === PACKAGES_STAGE && !edited && !baseOnBuild
          ? packagesStageContextFiles(dockerfile, PACKAGES_STAGE, prepared.plan.contextFiles)
          : null;
      if (stageFiles) return writeBuildContext([{ path: "Dockerfile", content: dockerfile, mode: 0o644 }, ...stageFiles]);
      return writeBundle(
        {
          manifestJson: prepared.manifestJson,
          manifest,
          dockerfile,
          readme: "",
          contextFiles: prepared.plan.contextFiles.filter((file) => file.path !== "Dockerfile"),
          payloadEntries: prepared.plan.payloadEntries,
          accountFiles: prepared.plan.accountFiles,
          payloadContent: prepared.plan.payloadContent,
        },
        store,
        // A build needs no blobs/ (the content the payload leaves out, such as a converted database's raw files).
        { gzip: false, allContent: false, signal },
      );
    };
    const build = async (options: { target?: string; networkMode?: string; noCache?: boolean }) => {
      const buildContext = context(options.target);
      try {
        return await buildImage(engine, buildContext, {
          tag: options.target ? `${restore.imageTag}-${options.target}` : restore.imageTag,
          ...options,
          buildArgs: input.buildArgs,
          labels: {
            "kura.archive": archiveId,
            "kura.restore": restoreId,
            // The packages stage carries its key, so a later plan preview of the same archive and base finds it (issue 14).
            ...(options.target === PACKAGES_STAGE && prepared.packagesStageKey && !edited
              ? { [PACKAGES_STAGE_LABEL]: prepared.packagesStageKey }
              : {}),
          },
          signal,
          onLog: appendLog,
          onStep: (done, total) => progress({ done, total, unit: "steps", message: `Building: step ${done} of ${total}` }),
        });
      } finally {
        buildContext.destroy();
      }
    };
    // Only the packages stage may use the build network; everything after it (the archived files,
    // the restore script) is built without one, whatever the restore's own network is. The second
    // build takes the packages stage from the first one's layer cache.
    const packagesStage = hasStage(dockerfile, PACKAGES_STAGE);
    if (packagesStage) {
      appendLog(`== The ${PACKAGES_STAGE} stage, on the build network (${env.KURA_BUILD_NETWORK ?? "the engine's default"})`);
      packagesImageId = (await build({ target: PACKAGES_STAGE, networkMode: env.KURA_BUILD_NETWORK, noCache: input.noCache })).imageId;
      if (manifest.packageManager === "dpkg") {
        // The new packages are installed: read what they ship, and plan again with it (configuration merges, issue 14).
        await enter("merge", "Reading the new packages and merging the archived configuration");
        const stage = await readStageForPlan(engine, packagesImageId, manifest, signal);
        // One packages stage image is kept per key (the newest, this one): those of earlier restores go, unless still
        // running. After the job's own work (issue 15: removing an image's layers takes a while on a busy engine).
        const stageKey = prepared.packagesStageKey;
        const newest = packagesImageId;
        if (stageKey && !edited)
          removeOlderStages = async () => {
            const running = new Set(
              (await db.restore.findMany({ where: { state: "running" }, select: { id: true } })).map((row) => row.id),
            );
            for (const older of await listLabelledImages(engine, PACKAGES_STAGE_LABEL, stageKey).catch(() => []))
              if (older.id !== newest && !running.has(older.labels["kura.restore"] ?? ""))
                await removeImage(engine, older.id).catch(() => undefined);
          };
        for (const warning of stage.warnings ?? []) appendLog(`warning: ${warning}`);
        prepared = await makeRestorePlan(archiveId, { engineId: input.engineId, baseImage: input.baseImage, stage });
        merges = prepared.plan.merges ?? [];
        // The new versions are known now: the conversions as the build runs them.
        if (JSON.stringify(prepared.plan.conversions) !== JSON.stringify(plan.conversions))
          await noteConversions(prepared.plan.conversions);
        const appliedRules = prepared.plan.migrationRules
          .filter((match) => match.status !== "not-applicable")
          .map((match) => match.rule.id);
        await db.restore.update({ where: { id: restoreId }, data: { appliedRules: JSON.stringify(appliedRules) } });
        for (const merge of merges) appendLog(`merge ${merge.status}: ${merge.path}: ${merge.reason}`);
        await db.restore.update({ where: { id: restoreId }, data: { merges: JSON.stringify(summarizeMerges(merges)) } });
        const conflicts = merges.filter((merge) => merge.status === "conflict");
        if (conflicts.length)
          throw new StepFailure(
            "merge",
            `${conflicts.length} configuration file(s) need a person: the admin's changes and the new packages' defaults change the same lines in ${conflicts
              .map((merge) => merge.path)
              .join(", ")}. Resolve them on the restore page (Configuration merges), then restore again.`,
          );
        await enter("build", `Building the rest of ${restore.imageTag}`);
      }
      // Stages of data conversions that install an old release's programs (issue 15) also need the build network.
      for (const stage of prepared.plan.conversionStages.filter((item) => item.network && hasStage(dockerfile, item.name))) {
        appendLog(`== The ${stage.name} stage, on the build network`);
        await build({ target: stage.name, networkMode: env.KURA_BUILD_NETWORK, noCache: input.noCache });
      }
      appendLog("== The rest of the image, without network");
    } else {
      appendLog(`== The Dockerfile has no ${PACKAGES_STAGE} stage, so all of it is built without network`);
    }
    ({ imageId } = await build({ networkMode: "none", noCache: packagesStage ? false : input.noCache }));
    // The packages stage image is kept (its layers are the restored image's own): a plan preview reads the new packages from it.
    await db.restore.update({ where: { id: restoreId }, data: { imageId } });
    appendLog(`built image ${imageId}`);
    const mapped = prepared.plan.pathMappings ?? { mappings: [], rewrites: [] };
    for (const mapping of mapped.mappings) appendLog(`mapped ${mapping.from} -> ${mapping.to}: ${mapping.evidence}`);
    for (const rewrite of mapped.rewrites)
      appendLog(`rewrote ${rewrite.lines.length} line(s) of ${rewrite.path} to follow the mapped paths`);
    await db.restore.update({
      where: { id: restoreId },
      data: { pathMappings: JSON.stringify(mapped.mappings), contentRewrites: JSON.stringify(mapped.rewrites) },
    });

    // The configuration is checked on the built image before the service runs (issue 14).
    if (input.configChecks !== false && prepared.plan.configChecks.length) {
      await enter("config-check", `Checking the configuration: ${prepared.plan.configChecks.map((item) => item.command).join(", ")}`);
      configChecks = await runConfigChecks(engine, imageId, prepared.plan.configChecks, {
        labels: { "kura.archive": archiveId, "kura.restore": restoreId },
        signal,
      });
      await db.restore.update({ where: { id: restoreId }, data: { configChecks: JSON.stringify(configChecks) } });
      for (const result of configChecks)
        appendLog(`${result.command}: ${result.outcome} (exit ${result.exitCode})${result.output ? `\n${result.output}` : ""}`);
      const failed = configChecks.find((result) => result.outcome === "failed");
      if (failed)
        throw new StepFailure(
          "config-check",
          `${failed.service}'s configuration does not pass \`${failed.command}\` (exit ${failed.exitCode}): ${failed.output.trim() || "no message"}`,
        );
    }

    await enter("run", `Starting container ${input.containerName}`);
    ({ id: containerId } = await runContainer(engine, {
      image: imageId,
      name: input.containerName,
      networkMode: input.network === "none" ? "none" : undefined,
      publish: input.publish,
      labels: { "kura.archive": archiveId, "kura.restore": restoreId },
    }));
    await db.restore.update({ where: { id: restoreId }, data: { containerId } });
    const running = await inspectContainer(engine, containerId);
    appendLog(`container ${running.name} is ${running.state}`);

    await enter("verify", `Verifying ${manifest.entries.length.toLocaleString("en")} archived entries in the container`);
    // The rules of the plan the image was built from (after the packages stage, the distribution's own rules too).
    const appliedNow = prepared.plan.migrationRules.filter((match) => match.status !== "not-applicable");
    const moves: Move[] = appliedNow
      .filter((match) => match.status === "applies" && match.rule.action.kind === "move")
      .map((match) => match.rule.action as Move);
    const deleted = new Set(appliedNow.flatMap((match) => (match.rule.action.kind === "delete" ? [match.rule.action.path] : [])));
    // What a data conversion replaced (an old cluster loaded into the new one) is gone from the image on purpose.
    const replaced = prepared.plan.conversions.flatMap((item) => (item.status === "planned" ? (item.replaces ?? []) : []));
    for (const entry of prepared.plan.restoredManifest.entries)
      if (replaced.some((path) => entry.path === path || entry.path.startsWith(`${path}/`))) deleted.add(entry.path);
    const editedFiles = new Set(appliedNow.flatMap((match) => ("file" in match.rule.action ? [match.rule.action.file] : [])));
    // Data conversions (issue 15) move, remove and rewrite restored files on purpose.
    const changes = prepared.plan.conversions.flatMap((conversion) => (conversion.restoredChanges ? [conversion.restoredChanges] : []));
    moves.push(...changes.flatMap((change) => change.moves));
    for (const change of changes) for (const path of change.removed) deleted.add(path);
    for (const change of changes) for (const path of change.rewritten) editedFiles.add(path);
    // Texts rewritten to follow mapped paths, and merged configuration, differ from the archived file on purpose.
    for (const file of prepared.plan.payloadContent) editedFiles.add(file.path);
    const verification: RestoreVerification = await verifyRestoredFiles({
      engine,
      containerId,
      // Entries are looked for where they were restored: at their mapped paths.
      manifest: prepared.plan.restoredManifest,
      moves,
      skip: deleted,
      edited: editedFiles,
      archivedPasswd: prepared.archivedAccounts.passwd ?? null,
      basePasswd: prepared.base?.accounts?.passwd ?? null,
      signal,
      onProgress: (done, total) => progress({ done, total, unit: "files", message: `Verifying: ${done} of ${total} entries` }),
    });
    await db.restore.update({ where: { id: restoreId }, data: { verification: JSON.stringify(verification) } });
    appendLog(`verified ${verification.filesOk} of ${verification.filesChecked} entries; ${verification.mismatches.length} mismatches`);

    let check: { command: string; exitCode: number; output: string; ok: boolean } | null = null;
    if (input.checkCommand?.trim()) {
      await enter("check", "Running the check command");
      const state = (await inspectContainer(engine, containerId)).state;
      if (state !== "running")
        throw new StepFailure(
          "check",
          `The container is ${state}, so the check command cannot run in it. Its command (CMD) must keep it running.`,
        );
      const result = await execInContainer(engine, containerId, ["sh", "-c", input.checkCommand], { timeoutMs: 180_000 });
      check = { command: input.checkCommand, exitCode: result.exitCode, output: result.output, ok: result.exitCode === 0 };
      await db.restore.update({ where: { id: restoreId }, data: { checkResult: JSON.stringify(check) } });
      appendLog(`check command exited with ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`);
    }

    const brokenAccounts = verification.accounts.filter((account) => !account.ok);
    if (verification.mismatches.length || brokenAccounts.length)
      throw new StepFailure(
        "verify",
        `Verification failed: ${verification.mismatches.length} of ${verification.filesChecked} entries differ from the archive${brokenAccounts.length ? ` and ${brokenAccounts.length} accounts are wrong` : ""}. The container is kept so you can look.`,
      );
    if (check && !check.ok)
      throw new StepFailure("check", `The check command exited with ${check.exitCode}. The container is kept so you can look.`);
    step = "done";
    await flush();
    await db.restore.update({ where: { id: restoreId }, data: { state: "succeeded", step: "done", finishedAt: new Date(), log } });
    void removeOlderStages?.().catch(() => undefined);
    return {
      restoreId,
      imageId,
      containerId,
      verification,
      check,
      configChecks,
      pathMappings: mapped.mappings,
      merges: summarizeMerges(merges),
      // The migration rules applied: built-in, the distribution's (dist-...) and people's.
      rules: appliedNow.map((match) => match.rule.id),
      conversions: prepared.plan.conversions,
    };
  } catch (error) {
    if (flushTimer) clearTimeout(flushTimer);
    const cancelled = signal.aborted;
    const failedStep = error instanceof StepFailure ? error.step : step;
    const message = error instanceof Error ? error.message : String(error);
    appendLog(`${cancelled ? "cancelled" : "FAILED"} at ${failedStep}: ${message}`);
    // A build or start that failed (or a cancel) leaves nothing half-made; a failed verification keeps the container to inspect.
    const keep = !cancelled && (failedStep === "verify" || failedStep === "check");
    if (!keep) {
      const engine = await getEngine(input.engineId).catch(() => null);
      if (engine && containerId) await removeContainer(engine, containerId).catch(() => undefined);
      if (engine && (imageId || cancelled)) await removeImage(engine, imageId ?? restore.imageTag).catch(() => undefined);
      // After a merge conflict the packages stage is kept (labelled with its key): the restore page reads the three
      // versions from it, and the restore after the resolution builds on it.
      if (engine && packagesImageId && failedStep !== "merge") await removeImage(engine, packagesImageId).catch(() => undefined);
    }
    // This restore's packages stage is kept (a failed verification or check, a merge conflict): it is the newest of its key.
    if (keep || failedStep === "merge") void removeOlderStages?.().catch(() => undefined);
    await db.restore.update({
      where: { id: restoreId },
      data: {
        state: cancelled ? "cancelled" : "failed",
        step: failedStep,
        error: cancelled ? "Cancelled" : message,
        log,
        finishedAt: new Date(),
        ...(keep ? {} : { containerId: null }),
      },
    });
    throw new AppError(422, "restore_failed", `Restore failed at the ${failedStep} step: ${message}`);
  }
}

/** A conversion in one line, for the audit trail: "planned: PostgreSQL cluster 13/main (postgresql-13 13.16 -> 17.6)". */
const describeConversion = (item: PlannedConversion) =>
  `${item.status}: ${item.what} (${item.package} ${item.fromVersion ?? "?"} -> ${item.toVersion ?? "?"})`;

/** Start a restore job. 409 when the container name is taken; 404 for an unknown archive, engine or base image. */
export async function startRestore(
  archiveId: string,
  input: StartRestoreInput & { actor: string },
): Promise<{ jobId: string; restoreId: string }> {
  const summary = await getArchiveSummary(archiveId);
  if (summary.state !== "complete")
    throw new AppError(
      409,
      "archive_not_complete",
      `Archive "${summary.name}" is ${summary.state}; only a complete archive can be restored.`,
    );
  const engine = await getEngine(input.engineId);
  if (!(await inspectImage(engine, input.baseImage)))
    throw new AppError(404, "image_not_found", `Engine "${engine.name}" has no image "${input.baseImage}".`);
  const taken = await inspectContainer(engine, input.containerName).then(
    () => true,
    () => false,
  );
  if (taken)
    throw conflict(
      "container_name_taken",
      `Engine "${engine.name}" already has a container named "${input.containerName}"; choose another name.`,
    );
  const busy = await db.restore.findFirst({ where: { engineId: engine.id, containerName: input.containerName, state: "running" } });
  if (busy) throw conflict("container_name_taken", `A restore into "${input.containerName}" is already running.`);
  const row = await db.restore.create({
    data: {
      archiveId,
      archiveName: summary.name,
      engineId: engine.id,
      engineName: engine.name,
      baseImage: input.baseImage,
      imageTag: `kura-restore/${slug(summary.container.name)}:${Date.now().toString(36)}`,
      containerName: input.containerName,
      dockerfile: input.dockerfile ?? "",
      createdBy: input.actor,
    },
  });
  const target = `archive:${archiveId}`;
  const jobId = await startJob({
    kind: "restore",
    target,
    actor: input.actor,
    work: async (context) => {
      try {
        const result = await runRestore(context, row.id, archiveId, input);
        await recordEvent({
          actor: input.actor,
          action: "archive.restore",
          target,
          detail: {
            restoreId: row.id,
            baseImage: input.baseImage,
            container: input.containerName,
            engine: engine.name,
            filesOk: result.verification.filesOk,
            check: result.check?.exitCode ?? null,
            configChecks: result.configChecks.map((item) => `${item.outcome}: ${item.command}`),
            pathMappings: result.pathMappings.map(
              (mapping) => `${mapping.from} -> ${mapping.to} (${mapping.fromPackage} -> ${mapping.toPackage})`,
            ),
            merges: result.merges.filter((merge) => merge.status !== "new-file").map((merge) => `${merge.status}: ${merge.path}`),
            rules: result.rules,
            conversions: result.conversions.map(describeConversion),
          },
        });
        return result;
      } catch (error) {
        // What the restore had done before it failed (issue 14): the checkers' outcomes, the mappings, the merges
        // (conflicts, what needs a person, among them).
        const done = await db.restore
          .findUnique({
            where: { id: row.id },
            select: { configChecks: true, pathMappings: true, merges: true, appliedRules: true, conversions: true },
          })
          .catch(() => null);
        const checks = JSON.parse(done?.configChecks ?? "[]") as { outcome: string; command: string }[];
        const mappings = JSON.parse(done?.pathMappings ?? "[]") as { from: string; to: string }[];
        const merges = (JSON.parse(done?.merges ?? "[]") as ReturnType<typeof summarizeMerges>)
          .filter((merge) => merge.status !== "new-file")
          .map((merge) => `${merge.status}: ${merge.path}`);
        await recordEvent({
          actor: input.actor,
          action: "archive.restore",
          target,
          result: "failed",
          detail: {
            restoreId: row.id,
            baseImage: input.baseImage,
            container: input.containerName,
            engine: engine.name,
            error: error instanceof Error ? error.message : String(error),
            configChecks: checks.map((item) => `${item.outcome}: ${item.command}`),
            pathMappings: mappings.map((mapping) => `${mapping.from} -> ${mapping.to}`),
            ...(merges.length ? { merges } : {}),
            rules: JSON.parse(done?.appliedRules ?? "[]") as string[],
            conversions: (JSON.parse(done?.conversions ?? "[]") as PlannedConversion[]).map(describeConversion),
          },
        });
        throw error;
      }
    },
  });
  await db.restore.update({ where: { id: row.id }, data: { jobId } });
  return { jobId, restoreId: row.id };
}
