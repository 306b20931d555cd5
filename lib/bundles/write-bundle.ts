import { createHash } from "node:crypto";
import type { EventEmitter } from "node:events";
import path from "node:path";
import { PassThrough, pipeline } from "node:stream";
import type { Readable, Transform } from "node:stream";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import { AppError } from "@/lib/api/app-error";
import type { BlobStore } from "../store/blob-store";
import type { Manifest, ManifestEntry } from "../archives/manifest";

/**
 * Writes a bundle: one tar (gzip by default) that rebuilds the service with `docker build - < bundle.tar.gz`.
 * Entries sit at the tar root:
 *
 *   Dockerfile, README.md      generated
 *   kura/...                   generated files; kura/manifest.json is the manifest exactly as stored
 *   accounts/<name>            /etc/passwd, group, shadow, gshadow when archived
 *   captures/<name>            capture recipes' outputs (database dumps, issue 15), as the manifest's captures name them
 *   payload/<path>             archived files and folders (never links or devices: the restore script makes
 *                              symlinks and applies owners and modes from the manifest)
 *
 * Every entry is owned by root (0/0) with mode 0644 (0755 for folders and for files with an x bit), so the tar
 * carries no setuid bit and no owner of the exporting host. read-bundle.ts checks the same layout on import.
 */

export const BUNDLE_MANIFEST_NAME = "kura/manifest.json";
export const BUNDLE_ACCOUNT_NAMES = ["passwd", "group", "shadow", "gshadow"] as const;
export type BundleAccountName = (typeof BUNDLE_ACCOUNT_NAMES)[number];

export type BundleContent = {
  /** The bytes of kura/manifest.json, exactly as stored (their SHA-256 is the archive's manifestSha). */
  manifestJson: Buffer;
  manifest: Manifest;
  dockerfile: string;
  readme: string;
  /** Generated files such as "kura/restore.sh"; a "Dockerfile" or "README.md" here wins over the fields above. */
  contextFiles: { path: string; content: string | Uint8Array; mode: number }[];
  /** Entries of type "file" (with sha256) and "dir"; others (symlinks, devices) and files without content are left out. */
  payloadEntries: ManifestEntry[];
  /** Account files to ship under accounts/, e.g. ["/etc/passwd", "/etc/shadow"]; their entries are in manifest.entries. */
  accountFiles: string[];
  /**
   * Texts that go under payload/ instead of the archived content of those paths (a restore's merged configuration,
   * issue 14); the archived blob still travels as blobs/<sha256> when all content is packed.
   */
  payloadContent?: { path: string; content: string }[];
};

export type WriteBundleOptions = {
  /** false gives a plain tar, e.g. as a docker build context. */
  gzip?: boolean;
  /**
   * true (the default) also packs, as blobs/<sha256>, the archived content the payload leaves out (package
   * databases, the second copy of a path archived from two sources), so an import holds the whole archive.
   * A docker build context does not need them.
   */
  allContent?: boolean;
  signal?: AbortSignal;
  /** Called with the length of each chunk of stored content (payload and account files) as it is packed. */
  onBytes?: (n: number) => void;
};

type TarHeader = Parameters<tar.Pack["entry"]>[0];
type TarSink = ReturnType<tar.Pack["entry"]>;

type PlannedEntry =
  | { kind: "dir"; name: string; mtime: Date }
  | { kind: "bytes"; name: string; data: Buffer; mode: number; mtime: Date }
  | { kind: "blob"; name: string; sha256: string; size: number; mode: number; mtime: Date; label: string };

const FILE_MODE = 0o644;
const EXEC_MODE = 0o755;
const DIR_MODE = 0o755;
// ustar stores seconds in 11 octal digits and tar-stream truncates to 32 bits: keep mtimes in range.
const MAX_MTIME_SECONDS = 2 ** 31 - 1;

/** "payload/" + the absolute path without its leading slash. */
export function payloadName(entryPath: string): string {
  return `payload/${entryPath.slice(1)}`;
}

/**
 * Streams the bundle. Blobs are read from the store one at a time as the reader pulls, so memory stays flat. Input
 * that cannot make a valid bundle (a bad context path, two different files at one path) throws here, before any
 * byte; a blob that is missing or damaged in the store makes the returned stream fail with an AppError naming it.
 */
export function writeBundle(content: BundleContent, store: BlobStore, options: WriteBundleOptions = {}): Readable {
  const { gzip = true, signal, onBytes, allContent = true } = options;
  const plan = planBundle(content, allContent);
  const pack = tar.pack();
  const output: Transform = gzip ? createGzip() : new PassThrough();
  // pipeline carries a failure either way: a failed pack fails `output`, and a consumer that destroys `output` stops the pack.
  pipeline(pack, output, () => undefined);

  const onAbort = () => output.destroy(signal?.reason instanceof Error ? signal.reason : new Error("The bundle export was cancelled."));
  if (signal?.aborted) {
    queueMicrotask(onAbort);
    return output;
  }
  signal?.addEventListener("abort", onAbort, { once: true });

  const fill = async () => {
    for (const item of plan) {
      if (output.destroyed) return;
      if (item.kind === "blob") await packBlob(pack, store, item, onBytes);
      else
        await packEntry(
          pack,
          item.kind === "dir" ? dirHeader(item.name, item.mtime) : fileHeader(item.name, item.mode, item.data.byteLength, item.mtime),
          item.kind === "dir" ? undefined : item.data,
        );
      // Headers of folders and small files are pushed without waiting for the reader: pause when it lags behind.
      if (output.writableNeedDrain) await waitForDrain(output);
    }
    pack.finalize();
  };
  fill().then(
    () => signal?.removeEventListener("abort", onAbort),
    (err: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (!pack.destroyed) pack.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  );
  return output;
}

/** Everything the bundle holds, in tar order, each folder before its children and once. */
function planBundle(content: BundleContent, allContent: boolean): PlannedEntry[] {
  const { manifest } = content;
  const fallbackMtime = toMtime(manifest.archive.createdAt) ?? new Date(0);
  const plan: PlannedEntry[] = [];
  const names = new Set<string>();
  const addDirs = (name: string) => {
    const parts = name.split("/");
    for (let depth = 1; depth < parts.length; depth += 1) {
      const dir = parts.slice(0, depth).join("/");
      if (names.has(dir)) continue;
      names.add(dir);
      plan.push({ kind: "dir", name: dir, mtime: fallbackMtime });
    }
  };
  const add = (entry: PlannedEntry) => {
    if (names.has(entry.name)) throw new Error(`The bundle would hold "${entry.name}" twice.`);
    addDirs(entry.name);
    names.add(entry.name);
    plan.push(entry);
  };
  const addText = (name: string, data: string | Uint8Array, mode: number) =>
    add({
      kind: "bytes",
      name,
      data: typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      mode: safeMode(mode),
      mtime: fallbackMtime,
    });

  const generated = new Map<string, BundleContent["contextFiles"][number]>();
  for (const file of content.contextFiles) {
    if (!isRelativeName(file.path)) throw new Error(`The generated file path ${JSON.stringify(file.path)} is not a clean relative path.`);
    const allowed =
      file.path === "Dockerfile" || file.path === "README.md" || (file.path.startsWith("kura/") && file.path !== BUNDLE_MANIFEST_NAME);
    if (!allowed)
      throw new Error(
        `The generated file ${JSON.stringify(file.path)} cannot go in a bundle: only Dockerfile, README.md and kura/... (other than ${BUNDLE_MANIFEST_NAME}).`,
      );
    if (generated.has(file.path)) throw new Error(`The generated file ${JSON.stringify(file.path)} is given twice.`);
    generated.set(file.path, file);
  }
  const dockerfile = generated.get("Dockerfile");
  addText("Dockerfile", dockerfile?.content ?? content.dockerfile, dockerfile?.mode ?? FILE_MODE);
  const readme = generated.get("README.md");
  addText("README.md", readme?.content ?? content.readme, readme?.mode ?? FILE_MODE);
  addText(BUNDLE_MANIFEST_NAME, content.manifestJson, FILE_MODE);
  const kuraFiles = [...generated.values()].filter((file) => file.path.startsWith("kura/")).sort((a, b) => compare(a.path, b.path));
  for (const file of kuraFiles) addText(file.path, file.content, file.mode);

  const accountNames = [...new Set(content.accountFiles)].sort();
  if (accountNames.length > 0) addDirs("accounts/");
  for (const accountPath of accountNames) {
    const name = path.posix.basename(accountPath);
    if (!isAccountName(name))
      throw new Error(`${accountPath} is not an account file: a bundle carries only ${BUNDLE_ACCOUNT_NAMES.join(", ")}.`);
    const entry = manifest.entries.find(
      (candidate) => candidate.path === accountPath && candidate.type === "file" && candidate.sha256 !== null,
    );
    if (!entry?.sha256) throw new Error(`${accountPath} is not in the manifest as an archived file, so it cannot go in the bundle.`);
    add({
      kind: "blob",
      name: `accounts/${name}`,
      sha256: entry.sha256,
      size: entry.size,
      mode: FILE_MODE,
      mtime: toMtime(entry.mtime) ?? fallbackMtime,
      label: accountPath,
    });
  }

  // Issue 15: each capture recipe's output (a database dump) at captures/<name>, in bundles and build contexts alike.
  for (const capture of manifest.captures ?? []) {
    if (capture.name === null || capture.sha256 === null) continue;
    if (!isRelativeName(capture.name) || capture.name.includes("/"))
      throw new Error(`The capture name ${JSON.stringify(capture.name)} is not a file name.`);
    add({
      kind: "blob",
      name: `captures/${capture.name}`,
      sha256: capture.sha256,
      size: capture.size,
      mode: FILE_MODE,
      mtime: toMtime(capture.finishedAt) ?? fallbackMtime,
      label: `the ${capture.service} capture ${capture.name}`,
    });
  }

  addDirs("payload/");
  const payload = content.payloadEntries
    .filter((entry) => entry.type === "dir" || (entry.type === "file" && entry.sha256 !== null))
    .sort((a, b) => compare(a.path, b.path));
  const packed = new Map<string, ManifestEntry>();
  const replaced = new Map((content.payloadContent ?? []).map((item) => [item.path, item.content]));
  for (const entry of payload) {
    if (entry.path === "/") continue; // payload/ itself
    if (!entry.path.startsWith("/") || !isRelativeName(entry.path.slice(1)))
      throw new Error(`The manifest path ${JSON.stringify(entry.path)} is not a clean absolute path.`);
    const earlier = packed.get(entry.path);
    if (earlier) {
      // The same path from two sources (say the image layer and a volume) is fine when both say the same thing.
      if (earlier.type === entry.type && earlier.sha256 === entry.sha256) continue;
      throw new Error(
        `${entry.path} is in the payload twice with different content (${earlier.source} and ${entry.source}); keep one of them.`,
      );
    }
    packed.set(entry.path, entry);
    const name = payloadName(entry.path);
    const mtime = toMtime(entry.mtime) ?? fallbackMtime;
    const text = entry.type === "file" ? replaced.get(entry.path) : undefined;
    if (entry.type === "dir") add({ kind: "dir", name, mtime });
    else if (text !== undefined) add({ kind: "bytes", name, data: Buffer.from(text), mode: safeMode(entry.mode), mtime });
    else if (entry.sha256)
      add({
        kind: "blob",
        name,
        sha256: entry.sha256,
        size: entry.size,
        mode: entry.mode & 0o111 ? EXEC_MODE : FILE_MODE,
        mtime,
        label: entry.path,
      });
  }
  if (allContent) {
    const carried = new Set(plan.flatMap((item) => (item.kind === "blob" ? [item.sha256] : [])));
    // The pristine versions of conffiles (issue 14) travel the same way, each as a blob of its own size.
    const pristine = manifest.entries.flatMap((entry) =>
      entry.type === "file" && entry.pristineSha256 && entry.pristineSize !== undefined
        ? [{ ...entry, sha256: entry.pristineSha256, size: entry.pristineSize, path: `${entry.path} (pristine version)` }]
        : [],
    );
    const extra = [...manifest.entries, ...pristine]
      .filter((entry) => entry.type === "file" && entry.sha256 !== null && !carried.has(entry.sha256))
      .sort((a, b) => compare(a.sha256!, b.sha256!));
    for (const entry of extra) {
      if (carried.has(entry.sha256!)) continue;
      carried.add(entry.sha256!);
      add({
        kind: "blob",
        name: `blobs/${entry.sha256}`,
        sha256: entry.sha256!,
        size: entry.size,
        mode: FILE_MODE,
        mtime: fallbackMtime,
        label: entry.path,
      });
    }
  }
  return plan;
}

/** Copies one stored blob into the tar, checking its length and hash on the way (the header's size is promised up front). */
async function packBlob(
  pack: tar.Pack,
  store: BlobStore,
  item: Extract<PlannedEntry, { kind: "blob" }>,
  onBytes: ((n: number) => void) | undefined,
) {
  const hash = createHash("sha256");
  let written = 0;
  const source = store.open(item.sha256);
  try {
    const { sink, done } = openEntry(pack, fileHeader(item.name, item.mode, item.size, item.mtime));
    for await (const chunk of source as AsyncIterable<Buffer>) {
      written += chunk.byteLength;
      if (written > item.size) throw damaged(item, `it holds more than the ${item.size} bytes the manifest records`);
      hash.update(chunk);
      onBytes?.(chunk.byteLength);
      if (!sink.write(chunk)) await waitForDrain(sink);
    }
    if (written !== item.size) throw damaged(item, `it holds ${written} bytes where the manifest records ${item.size}`);
    if (hash.digest("hex") !== item.sha256) throw damaged(item, "its content no longer matches its hash");
    sink.end(null);
    await done;
  } catch (err) {
    source.destroy();
    throw describeBlobError(err, item);
  }
}

/** Adds a folder, or a file from memory, and resolves once the pack has taken it (its bytes wait for the reader). */
function packEntry(pack: tar.Pack, header: TarHeader, data?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (err?: Error | null) => (err ? reject(err) : resolve());
    if (data) pack.entry(header, data, callback);
    else pack.entry(header, callback);
  });
}

/** Starts a streamed tar entry; `done` settles when the pack has taken all of it, or rejects when it is torn down first. */
function openEntry(pack: tar.Pack, header: TarHeader): { sink: TarSink; done: Promise<void> } {
  let settle: (err?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  done.catch(() => undefined); // awaited later; a failure before then is reported there
  const sink = pack.entry(header, (err) => settle(err));
  // When the bundle fails, the pack destroys this entry with the same error; it is reported once, by the output.
  sink.on("error", () => undefined);
  return { sink, done };
}

function waitForDrain(stream: EventEmitter & { destroyed: boolean }): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error("The bundle stream was closed."));
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error("The bundle stream was closed."));
    };
    stream.on("drain", onDrain);
    stream.on("close", onClose);
  });
}

function damaged(item: Extract<PlannedEntry, { kind: "blob" }>, why: string): AppError {
  return new AppError(
    409,
    "blob_damaged",
    `The bundle cannot be written: the stored content of ${item.label} (blob ${item.sha256}) is damaged: ${why}. Run Verify on the archive to list every damaged file.`,
  );
}

function describeBlobError(err: unknown, item: Extract<PlannedEntry, { kind: "blob" }>): unknown {
  if (err instanceof AppError && err.code === "blob_not_found")
    return new AppError(
      409,
      "blob_missing",
      `The bundle cannot be written: the content of ${item.label} (blob ${item.sha256}) is missing from the store. Run Verify on the archive to list every missing file.`,
    );
  const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : "";
  if (code.startsWith("Z_")) return damaged(item, "its gzip stream cannot be decompressed");
  return err;
}

function dirHeader(name: string, mtime: Date): TarHeader {
  return { name: `${name}/`, type: "directory", mode: DIR_MODE, uid: 0, gid: 0, uname: "root", gname: "root", mtime };
}

function fileHeader(name: string, mode: number, size: number, mtime: Date): TarHeader {
  return { name, type: "file", mode, size, uid: 0, gid: 0, uname: "root", gname: "root", mtime };
}

/** 0755 when any execute bit is set, else 0644: never setuid, setgid or sticky, never writable by others. */
function safeMode(mode: number): number {
  return mode & 0o111 ? EXEC_MODE : FILE_MODE;
}

function toMtime(value: string | null): Date | null {
  if (value === null) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return null;
  const seconds = Math.min(Math.max(Math.floor(time / 1000), 0), MAX_MTIME_SECONDS);
  return new Date(seconds * 1000);
}

/** "a/b c/d": no leading or doubled slash, no "." or ".." component, no NUL. */
function isRelativeName(name: string): boolean {
  if (name === "" || name.includes("\0")) return false;
  return name.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

function isAccountName(name: string): name is BundleAccountName {
  return (BUNDLE_ACCOUNT_NAMES as readonly string[]).includes(name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
