import path from "node:path";
import { Readable } from "node:stream";
import { AppError, conflict } from "@/lib/api/app-error";
import { finishManifest, redactEnv, type ManifestEntry } from "@/lib/archives/manifest";
import { holdForCopy, runCaptures, type CaptureChoice } from "@/lib/archives/capture-and-hold";
import type { ContainerHold } from "@/lib/archives/hold-container";
import { summarizeLeftOut } from "@/lib/archives/summarize-left-out";
import { store } from "@/lib/store/store";
import { recordEvent } from "@/lib/audit/record-event";
import { readDebconfAnswers } from "@/lib/archives/read-debconf-answers";
import { readOsRelease } from "@/lib/containers/get-container-detail";
import { db } from "@/lib/db";
import { inspectContainerWithLayer, type InspectedContainer } from "@/lib/docker/inspect-container";
import { inspectImage } from "@/lib/docker/inspect-image";
import { pingEngine } from "@/lib/docker/ping-engine";
import { ContainerFileTooLarge, readContainerFile } from "@/lib/docker/read-container-file";
import { findLayerDirectory } from "@/lib/docker/read-layer-directly";
import { readImageEntries } from "@/lib/archives/read-image-entries";
import { readPristineConffiles, type PristineCandidate } from "@/lib/archives/read-pristine-conffiles";
import { addPackagePristines } from "@/lib/archives/add-package-pristines";
import { env } from "@/lib/env";
import { layerHostPath, readLayerFiles } from "@/lib/docker/read-layer-files";
import { formatBytes, type ReadWarning } from "@/lib/docker/read-warning";
import { streamArchive } from "@/lib/docker/stream-archive";
import type { EngineConnection } from "@/lib/docker/types";
import type { ArchiveHeader } from "@/lib/docker/walk-archive";
import { parseAccountLines } from "@/lib/restores/plan/find-account-collisions";
import { getEngine } from "@/lib/engines/engine-registry";
import { getRuleSet } from "@/lib/rules/rule-set-store";
import { detectContainerChanges } from "../changes/detect-container-changes";
import { mapLimit } from "@/lib/concurrency/map-limit";
import { startJob, type JobContext } from "../jobs/job-runner";

// Archive: detect with the person's curation, stream the selected entries out of the container
// (layer, volumes, binds; running or stopped) into the content-addressed store, then write the
// manifest. The archive row says "complete" only after the manifest is stored, so a crash, a
// cancel or a full disk never leaves a complete-looking archive that misses content.

export type StartArchiveInput = {
  engineId: string;
  containerRef: string;
  name?: string;
  note?: string;
  keepSecrets?: boolean;
  actor: string;
  /** How to read the writable layer: straight from its folder when the engine is on this machine (auto), or always through the engine's archive API (tests compare the two). */
  layerAccess?: "auto" | "archive-api";
  /** Fetch the pristine versions the image does not hold from the old packages (issue 14); default on. */
  fetchPristines?: boolean;
  /** The network of that fetch's build; KURA_BUILD_NETWORK by default (tests pass "none"). */
  pristineNetwork?: string;
} & CaptureChoice;

type Selected = Awaited<ReturnType<typeof detectContainerChanges>>["entries"][number];

const SMALL_FILE_BYTES = 4 * 1024 * 1024;
/** The most Kura reads of the container's /etc/passwd and /etc/group (for owner names). */
const ACCOUNT_FILE_MAX_BYTES = 16 * 1024 * 1024;
// Whole files handed to the store at once (its worker threads take them in batches).
const WRITE_CONCURRENCY = 32;
const BUFFER_BUDGET_BYTES = 64 * 1024 * 1024;
/** Files handed to the store's workers at once (each costs a pending promise here, no bytes). */
const FILES_IN_FLIGHT = 512;

function readWhole(content: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    content.on("data", (chunk: Buffer) => parts.push(chunk));
    content.on("end", () => resolve(Buffer.concat(parts)));
    content.on("error", reject);
  });
}

/**
 * Runs write tasks in the background, at most `concurrency` at once and holding at most `budget`
 * bytes: `add` resolves once the task is admitted (so the caller may read on), `drain` once all
 * finished, rejecting with the first failure (later adds reject with it too).
 */
function createWriteQueue(concurrency: number, budget: number) {
  const running = new Set<Promise<void>>();
  let held = 0;
  let failure: unknown = null;
  return {
    async add(bytes: number, task: () => Promise<void>): Promise<void> {
      while (running.size >= concurrency || (held > 0 && held + bytes > budget)) await Promise.race(running).catch(() => undefined);
      if (failure) throw failure;
      held += bytes;
      const run: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          held -= bytes;
          running.delete(run);
        });
      running.add(run);
    },
    async drain(): Promise<void> {
      await Promise.all(running);
      if (failure) throw failure;
    },
  };
}

function drain(content: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    content.on("end", resolve);
    content.on("error", reject);
    content.resume();
  });
}

/** uid or gid -> name, from the container's /etc/passwd or /etc/group (empty when it has none, or it is too large: a warning). */
async function readAccountNames(
  engine: EngineConnection,
  containerId: string,
  file: string,
  warnings: ReadWarning[],
): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  let text: Buffer | null = null;
  try {
    text = await readContainerFile(engine, containerId, file, ACCOUNT_FILE_MAX_BYTES);
  } catch (error) {
    if (!(error instanceof ContainerFileTooLarge)) throw error;
    const consequence = "owners and groups are recorded by number only";
    warnings.push({
      code: "file-too-large",
      path: file,
      message: `${file} is ${formatBytes(error.size)}, over the ${formatBytes(error.limit)} Kura reads of it: ${consequence}.`,
    });
  }
  for (const line of parseAccountLines(text?.toString("utf8") ?? "")) {
    const id = Number(line.id);
    if (Number.isInteger(id) && !names.has(id)) names.set(id, line.name); // the first line wins, as getpwuid
  }
  return names;
}

/** What to stream: whole added folders (one tar each), single files, and each mount. */
function streamRoots(selected: Selected[]): { path: string; source: Selected["source"] }[] {
  const addedLayer = new Set(selected.filter((entry) => entry.source === "layer" && entry.kind === "added").map((entry) => entry.path));
  const roots: { path: string; source: Selected["source"] }[] = [];
  for (const entry of selected) {
    if (entry.kind === "deleted" || entry.source !== "layer") continue;
    if (entry.kind === "added" && addedLayer.has(path.posix.dirname(entry.path))) continue;
    // A modified folder needs only its own header (known from detection); its changed children are listed themselves.
    if (entry.kind === "modified" && entry.type === "dir") continue;
    roots.push({ path: entry.path, source: "layer" });
  }
  return roots;
}

async function runArchive(
  context: JobContext,
  archiveId: string,
  input: StartArchiveInput,
  meta: { createdAt: Date; inspected: InspectedContainer; holder: { hold: ContainerHold | null } },
) {
  const { signal, progress } = context;
  const engine = await getEngine(input.engineId);
  // The inspection startArchive made (once per archive): detection and the layer folder come from it too.
  const { inspected } = meta;
  const container = inspected.inspection;
  progress({ message: "Detecting changes", unit: "bytes" });
  const firstDetection = await detectContainerChanges(engine.id, container.id, { inspected });
  // Issue 15: capture recipes run while the service runs (their dumps are the consistent copy); one that rewrote the
  // raw files (redis SAVE) may have made new ones, so they are detected again; then the container is held for the copy.
  const captureWarnings: ReadWarning[] = [];
  const capture = await runCaptures(engine, container, firstDetection.packages, input, context, captureWarnings);
  const detected = capture.rawFilesChanged ? await detectContainerChanges(engine.id, container.id, { inspected }) : firstDetection;
  // What could not be read, from detection and from here: in the job's result.
  const warnings: ReadWarning[] = [...detected.warnings, ...captureWarnings];
  const hold = await holdForCopy(engine, container, input, context, warnings, (held) => void (meta.holder.hold = held), archiveId);
  // A socket, FIFO or device node is never archived, even ticked: the service recreates it, and a build
  // context cannot carry one (summarizeLeftOut counts it as runtime).
  const selected = detected.entries.filter((entry) => entry.selected && (entry.type !== "other" || entry.kind === "deleted"));
  const wanted = new Map(selected.filter((entry) => entry.kind !== "deleted").map((entry) => [`${entry.source}:${entry.path}`, entry]));
  const totalBytes = selected.reduce((sum, entry) => sum + (entry.type === "file" ? entry.size : 0), 0);
  const totalFiles = selected.filter((entry) => entry.kind !== "deleted" && entry.type === "file").length;
  let filesDone = 0;
  progress({
    done: 0,
    total: totalBytes,
    message: `Copying ${wanted.size.toLocaleString("en")} entries`,
    items: { done: 0, total: totalFiles, unit: "files" },
  });
  const fileDone = () => progress({ items: { done: ++filesDone, total: totalFiles, unit: "files" } });

  const entries = new Map<string, ManifestEntry>();
  let doneBytes = 0;
  let storedBytes = 0;
  // Files up to SMALL_FILE_BYTES go to the store's worker threads whole (read there from the layer
  // folder, or read here from the engine's tar and handed over, many at a time within a memory
  // budget); larger ones stream into the store. Every blob is durable (fsynced and linked) before
  // the manifest may name it.
  const durable: Promise<void>[] = [];
  const writes = createWriteQueue(WRITE_CONCURRENCY, BUFFER_BUDGET_BYTES);
  const keep = (put: { durable: Promise<{ isNew: boolean; storedBytes: number }> }) => {
    const stored = put.durable.then((result) => {
      if (result.isNew) storedBytes += result.storedBytes;
    });
    stored.catch(() => undefined); // awaited below; a job that fails earlier must not leave an unhandled rejection
    durable.push(stored);
  };
  const onBytes = (bytes: number) => progress({ done: (doneBytes += bytes) });
  const take = (source: Selected["source"]) => async (header: ArchiveHeader, content: Readable | Buffer | null) => {
    const key = `${source}:${header.path}`;
    const entry = wanted.get(key);
    if (!entry || entries.has(key)) return content && !Buffer.isBuffer(content) ? drain(content) : undefined;
    if (header.type === "other") {
      // Swapped for a FIFO, socket or device node since detection: nothing a restore could recreate, so left out (and said).
      const was = entry.type === "file" ? "a regular file" : entry.type === "dir" ? "a folder" : "a symlink";
      const now = "is now a FIFO, socket or device node: it is left out of the archive";
      const message = `${header.path} was ${was} when the changes were detected and ${now}.`;
      warnings.push({ code: "not-a-regular-file", path: header.path, message });
      wanted.delete(key);
      return content && !Buffer.isBuffer(content) ? drain(content) : undefined;
    }
    if (entry.type === "file" && header.type !== "file") {
      const now = header.type === "dir" ? "a folder" : "a symlink";
      const message = `${header.path} was a regular file when the changes were detected and is now ${now}: it is archived as what it is now, without content.`;
      warnings.push({ code: "not-a-regular-file", path: header.path, message });
    }
    const manifestEntry: ManifestEntry = {
      path: header.path,
      type: header.type,
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      user: header.uname,
      group: header.gname,
      size: header.size,
      mtime: header.mtime,
      linkTarget: header.type === "symlink" ? header.linkTarget : null,
      sha256: null,
      source,
      category: entry.category,
    };
    entries.set(key, manifestEntry);
    if (header.hardLinkTo) {
      // A second name of a file already in this tar: the same content (the tar carries it only once).
      const first = entries.get(`${source}:${header.hardLinkTo}`);
      if (first?.sha256) {
        Object.assign(manifestEntry, { type: "file", size: first.size, sha256: first.sha256 });
        fileDone();
      } else {
        entries.delete(key); // its first name was not selected: read this name on its own below
      }
      return content && !Buffer.isBuffer(content) ? drain(content) : undefined;
    }
    if (header.type !== "file" || !content) return content && !Buffer.isBuffer(content) ? drain(content) : undefined;
    if (!Buffer.isBuffer(content) && header.size > SMALL_FILE_BYTES) {
      const put = await store.putDeferred(content, { signal, onBytes });
      manifestEntry.sha256 = put.sha256;
      keep(put);
      fileDone();
      return;
    }
    const bytes = Buffer.isBuffer(content) ? content : await readWhole(content);
    await writes.add(bytes.byteLength, async () => {
      const put = await store.putDeferred(bytes, { signal, onBytes });
      manifestEntry.sha256 = put.sha256;
      keep(put);
      fileDone();
    });
  };

  const mounts = container.mounts.filter(
    (mount) => (mount.type === "volume" || mount.type === "bind") && !container.engineManagedFiles.includes(mount.destination),
  );
  const mountJobs = mounts.map((mount) => ({
    path: mount.destination,
    source: (mount.type === "volume" ? "volume" : "bind") as Selected["source"],
  }));
  // On the engine's own host the layer's files are read from the layer folder; whatever it cannot
  // give (or every layer path, on a remote engine) comes through the engine's archive API.
  const layerDir = input.layerAccess === "archive-api" ? null : findLayerDirectory(engine, inspected);
  const [users, groups] = await Promise.all([
    readAccountNames(engine, container.id, "/etc/passwd", warnings),
    readAccountNames(engine, container.id, "/etc/group", warnings),
  ]);
  let layerJobs = streamRoots(selected);
  if (layerDir) {
    const layerEntries = selected.filter((entry) => entry.source === "layer" && entry.kind !== "deleted");
    // Small regular files (nearly all of them) are read, hashed, compressed and stored by the store's worker
    // threads, confined to the layer folder; the rest, and any file the workers would not take, are read here.
    const small = layerEntries.filter(
      (entry) => entry.type === "file" && entry.size <= SMALL_FILE_BYTES && layerHostPath(layerDir, entry.path),
    );
    const smallSet = new Set(small);
    const others = new Set(layerEntries.filter((entry) => !smallSet.has(entry)).map((entry) => entry.path));
    await mapLimit(small, FILES_IN_FLIGHT, async (entry) => {
      const stored = await store.putFile(layerHostPath(layerDir, entry.path)!, {
        confineTo: layerDir,
        maxBytes: SMALL_FILE_BYTES,
        signal,
        onBytes,
      });
      if ("skip" in stored) return void others.add(entry.path);
      if (stored.isNew) storedBytes += stored.storedBytes;
      fileDone();
      const { mode, uid, gid, mtimeMs } = stored.stats;
      entries.set(`layer:${entry.path}`, {
        path: entry.path,
        type: "file",
        mode: mode & 0o7777,
        uid,
        gid,
        user: users.get(uid) ?? "",
        group: groups.get(gid) ?? "",
        size: stored.size,
        // Whole seconds, as the archive API's tar headers have them.
        mtime: new Date(Math.floor(mtimeMs / 1000) * 1000).toISOString(),
        linkTarget: null,
        sha256: stored.sha256,
        source: "layer",
        category: entry.category,
      });
    });
    const missing = await readLayerFiles(layerDir, [...others], { users, groups, wholeBytes: SMALL_FILE_BYTES, signal }, take("layer"));
    layerJobs = missing.map((missingPath) => ({ path: missingPath, source: "layer" as const }));
  }
  // What the image's own layers above its base hold (source "image"): from their folders, else through the engine.
  const imageJobs = await readImageEntries(engine, container, selected, {
    layerAccess: input.layerAccess ?? "auto",
    read: { users, groups, wholeBytes: SMALL_FILE_BYTES, signal },
    onEntry: take("image"),
  });
  for (const job of [...layerJobs, ...imageJobs, ...mountJobs]) {
    signal.throwIfAborted();
    await streamArchive(engine, container.id, job.path, take(job.source), signal);
  }
  // Second names of hard-linked files whose first name was not selected: each read on its own.
  for (const [key, entry] of wanted) {
    if (entries.has(key) || entry.type !== "file") continue;
    signal.throwIfAborted();
    await streamArchive(engine, container.id, entry.path, take(entry.source), signal);
  }
  // Entries that needed no stream (modified folders) keep the metadata detection read.
  for (const [key, entry] of wanted) {
    if (entries.has(key)) continue;
    if (entry.type === "file") throw new Error(`${entry.path} disappeared from the container while it was being archived; archive again.`);
    entries.set(key, {
      path: entry.path,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      user: users.get(entry.uid) ?? "",
      group: groups.get(entry.gid) ?? "",
      size: 0,
      mtime: entry.mtime,
      linkTarget: entry.linkTarget ?? null,
      sha256: null,
      source: entry.source,
      category: entry.category,
    });
  }

  const quiesce = await hold.release();

  // Conffiles the admin changed: the package's pristine version beside the edited one, for the restore's three-way merge.
  const conffileEntries = [...wanted].flatMap(([key, entry]) => {
    const archived = entries.get(key);
    if (!entry.conffile || !archived || archived.type !== "file" || (entry.source !== "layer" && entry.source !== "image")) return [];
    return [{ key, entry, archived }];
  });
  if (conffileEntries.length) {
    progress({ message: `Reading the pristine versions of ${conffileEntries.length} configuration files` });
    const candidates: PristineCandidate[] = conffileEntries.map(({ entry }) => ({
      path: entry.path,
      source: entry.source as PristineCandidate["source"],
      layerIndex: entry.imageLayer?.index,
    }));
    const pristine = await readPristineConffiles(engine, container.imageId, candidates, { layerAccess: input.layerAccess ?? "auto" });
    const notFetched = await addPackagePristines(
      engine,
      container.imageId,
      conffileEntries.map(({ key, entry }) => ({ key, path: entry.path, conffile: entry.conffile! })),
      pristine,
      {
        enabled: input.fetchPristines ?? true,
        packageManager: detected.packageManager,
        packages: detected.packages,
        networkMode: input.pristineNetwork ?? env.KURA_BUILD_NETWORK,
        signal,
        progress: (message) => progress({ message }),
      },
    );
    if (notFetched) warnings.push(notFetched);
    for (const { key, entry, archived } of conffileEntries) {
      archived.package = entry.conffile!.package;
      archived.conffile = entry.conffile!.kind;
      const read = pristine.get(key);
      if (!read?.content) {
        archived.pristineSha256 = null;
        archived.pristineWhy = read ? read.why : "not read";
        continue;
      }
      const put = await store.putDeferred(read.content, { signal });
      archived.pristineSha256 = put.sha256;
      archived.pristineSize = put.size;
      if (read.why) archived.pristineWhy = read.why;
      keep(put);
    }
  }

  await writes.drain();
  progress({ message: "Syncing to disk" });
  await Promise.all(durable);
  signal.throwIfAborted();
  progress({ message: "Writing the manifest" });
  const [engineStatus, image, os, ruleSet, debconf] = await Promise.all([
    pingEngine(engine),
    inspectImage(engine, container.imageId),
    readOsRelease(engine, container.id, (error) =>
      warnings.push({ code: "file-too-large", path: error.path, message: `${error.message} The archive records no OS release.` }),
    ),
    getRuleSet(detected.ruleSet.id),
    // What the package installs decided (debconf): preseeded before a restore installs them.
    readDebconfAnswers(engine, container.id, detected.packageManager === "dpkg" ? detected.packages.map((pkg) => pkg.name) : [], warnings),
  ]);
  const archive = await db.archive.findUniqueOrThrow({ where: { id: archiveId } });
  const manifest = finishManifest({
    archive: { id: archiveId, name: archive.name, note: archive.note, createdAt: meta.createdAt.toISOString(), createdBy: input.actor },
    engine: { name: engine.name, version: engineStatus.reachable ? engineStatus.version : null },
    container: { id: container.id, name: container.name, createdAt: container.createdAt, startedAt: container.startedAt },
    image: {
      reference: container.image,
      id: container.imageId,
      digest: image?.digest ?? container.imageDigest,
      size: image?.size ?? null,
      base: detected.image?.base ?? null,
    },
    config: { ...container.config, env: redactEnv(container.config.env, input.keepSecrets ?? false), mounts: container.mounts },
    os: os
      ? { id: os.id, versionId: os.versionId, prettyName: os.prettyName, versionCodename: os.versionCodename, fields: os.fields }
      : null,
    packageManager: detected.packageManager,
    packages: detected.packages,
    packageBase: detected.packageBase,
    ruleSet: { id: ruleSet.id, name: ruleSet.name, rules: ruleSet.rules },
    entries: [...entries.values()],
    deleted: selected.filter((entry) => entry.kind === "deleted").map((entry) => entry.path),
    warnings,
    debconf,
    leftOut: summarizeLeftOut({
      entries: detected.entries,
      archivedFiles: new Set([...entries.values()].filter((entry) => entry.type === "file" && entry.sha256).map((entry) => entry.path)),
      warnings,
    }),
    captures: capture.captures,
    quiesce,
  });
  const stored = await store.put(Readable.from([Buffer.from(JSON.stringify(manifest, null, 1))]), { signal });
  if (stored.isNew) storedBytes += stored.storedBytes;
  storedBytes += capture.storedBytes;
  signal.throwIfAborted();
  await db.archive.update({
    where: { id: archiveId },
    data: {
      state: "complete",
      manifestSha: stored.sha256,
      files: manifest.totals.files,
      bytes: manifest.totals.bytes,
      storedBytes,
      imageBytes: image?.size ?? 0,
      completedAt: new Date(),
    },
  });
  progress({ done: totalBytes, message: "Done" });
  return {
    archiveId,
    files: manifest.totals.files,
    bytes: manifest.totals.bytes,
    storedBytes,
    layerRead: layerDir ? "folder" : "archive-api",
    warnings,
    captures: manifest.captures ?? [],
    quiesce,
  };
}

/** Start an archive job. Refuses (409) while another archive of the same container is running. */
export async function startArchive(input: StartArchiveInput): Promise<{ jobId: string; archiveId: string }> {
  const engine = await getEngine(input.engineId);
  // The archive's one inspection of the container (the job uses it too).
  const inspected = await inspectContainerWithLayer(engine, input.containerRef);
  const container = inspected.inspection;
  const busy = await db.archive.findFirst({ where: { containerId: container.id, state: "creating" } });
  if (busy)
    throw conflict(
      "archive_in_progress",
      `An archive of ${container.name} is already being made (job ${busy.jobId ?? "starting"}); wait for it or cancel it.`,
    );
  const createdAt = new Date();
  const archive = await db.archive.create({
    data: {
      name: input.name?.trim() || `${container.name} ${createdAt.toISOString().slice(0, 16).replace("T", " ")}`,
      note: input.note ?? "",
      engineId: engine.id,
      engineName: engine.name,
      containerId: container.id,
      containerName: container.name,
      image: container.image,
      createdBy: input.actor,
      createdAt,
    },
  });
  const target = `archive:${archive.id}`;
  const jobId = await startJob({
    kind: "archive",
    target,
    actor: input.actor,
    work: async (context) => {
      const holder: { hold: ContainerHold | null } = { hold: null };
      try {
        const result = await runArchive(context, archive.id, input, { createdAt, inspected, holder });
        await recordEvent({
          actor: input.actor,
          action: "archive.create",
          target,
          detail: {
            container: container.name,
            engine: engine.name,
            keepSecrets: input.keepSecrets ?? false,
            files: result.files,
            bytes: result.bytes,
            storedBytes: result.storedBytes,
            // Plain words, as the audit page shows every detail: "pause (run again after)", "postgresql-dumpall: PostgreSQL 13.16, 2,345 bytes".
            quiesce: result.quiesce ? `${result.quiesce.mode}${result.quiesce.restarted ? " (run again after)" : ""}` : "live",
            captures: result.captures.map(
              (item) => `${item.recipe}: ${item.serverVersion || "version unknown"}, ${item.size.toLocaleString("en")} bytes`,
            ),
          },
        });
        return result;
      } catch (caught) {
        // The container runs again whatever happened (unpaused, started): release is idempotent and never throws.
        await holder.hold?.release();
        // A full disk can surface as a bare ENOSPC (from a stream the store did not own); say it like the store does.
        const code = (caught as NodeJS.ErrnoException | null)?.code;
        const error =
          code === "ENOSPC" || code === "EDQUOT"
            ? new AppError(
                507,
                "disk_full",
                `The disk holding the archive store (${store.root}) is full. Free some space on it, or move KURA_DATA_DIR to a larger disk, then run the archive again.`,
              )
            : caught;
        const state = context.signal.aborted ? "cancelled" : "failed";
        const message = error instanceof Error ? error.message : String(error);
        await db.archive.update({ where: { id: archive.id }, data: { state, error: state === "cancelled" ? "Cancelled" : message } });
        await recordEvent({
          actor: input.actor,
          action: "archive.create",
          target,
          result: "failed",
          detail: { container: container.name, state, error: message },
        });
        throw error;
      }
    },
  });
  await db.archive.update({ where: { id: archive.id }, data: { jobId } });
  return { jobId, archiveId: archive.id };
}
