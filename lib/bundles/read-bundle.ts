import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { AppError } from "@/lib/api/app-error";
import type { BlobStore } from "../store/blob-store";
import { RATIO_GRACE_BYTES, resolveBundleLimits, type BundleLimits } from "./bundle-limits";
import { manifestSchema, type Manifest } from "../archives/manifest";
import { BUNDLE_ACCOUNT_NAMES, BUNDLE_MANIFEST_NAME, payloadName } from "./write-bundle";

export { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from "./bundle-limits";

/**
 * Imports a bundle made by writeBundle (or repacked by hand) into the store, refusing anything that is not exactly
 * a Kura bundle. A refused bundle leaves the store as it was:
 *
 *   1. the upload is spooled to <store>/tmp/bundle-<random> (removed whatever happens), counting its size;
 *   2. pass 1 unpacks the spool and checks every name, type and limit, reads the manifest and hashes every
 *      payload/ and accounts/ file, writing nothing;
 *   3. only if everything matches the manifest, pass 2 unpacks it again and puts each new content, then the manifest
 *      JSON (whose SHA-256 is the manifestSha), into the store.
 *
 * Every refusal is an AppError: 413 when a size limit is broken, 422 otherwise, with a sentence naming the entry.
 */

export type ImportedBundle = {
  manifest: Manifest;
  manifestSha: string;
  manifestJson: Buffer;
  /** Distinct contents the bundle carries (payload and account files; the manifest not counted). */
  blobs: number;
  /** Their uncompressed size, each counted once. */
  bytes: number;
  /** How many of those contents the store did not have yet. */
  newBlobs: number;
  /** Bytes on disk this import added to the store, the manifest blob included (as Archive.storedBytes). */
  storedBytes: number;
};

/** `bytes` counts the upload as received, then the spool as each pass reads it (out of `totalBytes`). */
export type ImportProgress = { phase: "receiving" | "checking" | "storing"; bytes: number; totalBytes: number | null; entries: number };

export type ReadBundleOptions = {
  limits?: Partial<BundleLimits>;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
};

type Format = "gzip" | "tar";
/** Where an entry sits in the bundle layout. */
type Place = "root" | "generated" | "manifest" | "account" | "payload-file" | "payload-dir" | "blob" | "capture" | "folder";
type Content = { sha256: string; size: number };
type TarEntry = AsyncIterable<unknown> & { header: tar.Header; destroy(err?: Error | null): void };
type Walk = {
  file: string;
  format: Format;
  totalBytes: number;
  limits: BundleLimits;
  phase: "checking" | "storing";
  signal: AbortSignal | undefined;
  onProgress: ReadBundleOptions["onProgress"];
  visit: (entry: TarEntry, name: string, place: Place) => Promise<void>;
};

const SPOOL_MODE = 0o600;
const ACCOUNT_PATHS = new Map(BUNDLE_ACCOUNT_NAMES.map((name) => [`/etc/${name}`, `accounts/${name}`]));

export async function readBundle(source: Readable, store: BlobStore, options: ReadBundleOptions = {}): Promise<ImportedBundle> {
  const { signal, onProgress } = options;
  let spool: string | null = null;
  try {
    const limits = resolveBundleLimits(options.limits);
    signal?.throwIfAborted();
    const tmpDir = path.join(store.root, "tmp");
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    spool = path.join(tmpDir, `bundle-${randomUUID()}`);
    const totalBytes = await spoolUpload(source, spool, limits, signal, onProgress);
    const format = await detectFormat(spool);
    const walk = { file: spool, format, totalBytes, limits, signal, onProgress };
    const checked = await checkBundle(walk);
    return await storeBundle(walk, checked, store);
  } catch (err) {
    source.destroy();
    throw describeReadError(err);
  } finally {
    if (spool) await rm(spool, { force: true });
  }
}

/** Copies the upload to `file`, refusing it as soon as it passes maxCompressedBytes; resolves with its length. */
async function spoolUpload(
  source: Readable,
  file: string,
  limits: BundleLimits,
  signal: AbortSignal | undefined,
  onProgress: ReadBundleOptions["onProgress"],
) {
  let bytes = 0;
  const count = async function* (chunks: AsyncIterable<Buffer | string>) {
    for await (const chunk of chunks) {
      const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      bytes += data.byteLength;
      if (bytes > limits.maxCompressedBytes)
        throw tooLarge("bundle_too_large", `the upload is larger than ${formatBytes(limits.maxCompressedBytes)}, the import limit.`);
      onProgress?.({ phase: "receiving", bytes, totalBytes: null, entries: 0 });
      yield data;
    }
  };
  // The file is made before the copy starts: a stream opening it itself could still make it after a refusal had ended
  // the copy and the caller had removed the spool, leaving an empty file behind.
  const handle = await open(file, "wx", SPOOL_MODE);
  await pipeline(source, count, createWriteStream("", { fd: handle }), signal ? { signal } : {});
  return bytes;
}

/** gzip by its magic bytes; anything else is read as a plain tar (and refused if it is not one). */
async function detectFormat(file: string): Promise<Format> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b ? "gzip" : "tar";
  } finally {
    await handle.close();
  }
}

type Checked = { manifest: Manifest; manifestJson: Buffer; manifestSha: string; contents: Map<string, Content> };

/** Pass 1: every check, and the hash of every payload and account file. Writes nothing. */
async function checkBundle(walk: Omit<Walk, "visit" | "phase">): Promise<Checked> {
  const contents = new Map<string, Content>();
  const seen = new Set<string>();
  let manifestJson: Buffer | null = null;
  const entries = await walkBundle({
    ...walk,
    phase: "checking",
    visit: async (entry, name, place) => {
      if (seen.has(name)) throw rejected("duplicate_entry", `${show(entry.header.name)} appears twice in the bundle.`);
      seen.add(name);
      if (place === "manifest") manifestJson = await readManifestJson(entry, walk.limits.maxManifestBytes);
      else if (place === "account" || place === "payload-file" || place === "blob" || place === "capture")
        contents.set(name, await hashContent(entry));
      else await drain(entry);
    },
  });
  if (entries === 0) throw notABundle("it holds no entries");
  if (manifestJson === null)
    throw rejected(
      "manifest_missing",
      `${BUNDLE_MANIFEST_NAME} is missing, so this is not a Kura bundle (or the file was cut short). Upload the .tar.gz exactly as Kura exported it.`,
    );
  const json: Buffer = manifestJson;
  const manifest = parseManifest(json);
  matchManifest(manifest, contents);
  return { manifest, manifestJson: json, manifestSha: createHash("sha256").update(json).digest("hex"), contents };
}

/** Pass 2: the bundle is known good; put each content the store lacks, then the manifest. */
async function storeBundle(walk: Omit<Walk, "visit" | "phase">, checked: Checked, store: BlobStore): Promise<ImportedBundle> {
  const { contents } = checked;
  const handled = new Set<string>();
  let newBlobs = 0;
  let storedBytes = 0;
  // Each content is written as the walk goes on, made durable in the background (small ones share the object store's
  // packs), and every one is durable before the manifest is stored.
  const durable: Promise<void>[] = [];
  await walkBundle({
    ...walk,
    phase: "storing",
    visit: async (entry, name, place) => {
      if (place !== "account" && place !== "payload-file" && place !== "blob" && place !== "capture") return drain(entry);
      const expected = contents.get(name);
      if (!expected)
        throw new Error(`The temporary copy of the bundle changed while it was being imported (${name} is new); import it again.`);
      if (handled.has(expected.sha256) || (await store.has(expected.sha256))) {
        handled.add(expected.sha256);
        return drain(entry);
      }
      const put = await store.putDeferred(entry as unknown as Readable, walk.signal ? { signal: walk.signal } : {});
      handled.add(put.sha256);
      const stored = put.durable.then((result) => {
        if (!result.isNew) return;
        newBlobs += 1;
        storedBytes += result.storedBytes;
      });
      stored.catch(() => undefined); // awaited below
      durable.push(stored);
      if (put.sha256 !== expected.sha256)
        throw new Error(`The temporary copy of the bundle changed while it was being imported (${name}); import it again.`);
    },
  });
  await Promise.all(durable);
  const stored = await store.put(Readable.from([checked.manifestJson]), walk.signal ? { signal: walk.signal } : {});
  if (stored.isNew) storedBytes += stored.storedBytes;
  const distinct = new Map([...contents.values()].map((content) => [content.sha256, content.size]));
  return {
    manifest: checked.manifest,
    manifestSha: stored.sha256,
    manifestJson: checked.manifestJson,
    blobs: distinct.size,
    bytes: [...distinct.values()].reduce((sum, size) => sum + size, 0),
    newBlobs,
    storedBytes,
  };
}

/**
 * Unpacks the spool and hands each entry, checked (name, type, place, limits), to `visit`, which must consume its
 * content. Size limits are enforced on the stream itself, so a bomb stops after at most one chunk past a limit.
 * Resolves with the number of entries.
 */
async function walkBundle(walk: Walk): Promise<number> {
  const { limits, format } = walk;
  let compressed = 0;
  let unpacked = 0;
  let entries = 0;
  const report = () => walk.onProgress?.({ phase: walk.phase, bytes: compressed, totalBytes: walk.totalBytes, entries });
  const countCompressed = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      compressed += chunk.byteLength;
      report();
      yield chunk;
    }
  };
  const countUnpacked = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      unpacked += chunk.byteLength;
      if (unpacked > limits.maxUncompressedBytes)
        throw tooLarge("bundle_too_large", `it unpacks to more than ${formatBytes(limits.maxUncompressedBytes)}, the import limit.`);
      if (format === "gzip" && unpacked > RATIO_GRACE_BYTES && unpacked > compressed * limits.maxRatio)
        throw tooLarge(
          "bundle_ratio",
          `it unpacks to more than ${limits.maxRatio} times its compressed size, which is how a decompression bomb looks, not an archive.`,
        );
      yield chunk;
    }
  };

  const extract = tar.extract();
  const stop = new AbortController();
  const feedSignal = walk.signal ? AbortSignal.any([walk.signal, stop.signal]) : stop.signal;
  const file = createReadStream(walk.file);
  const feeding =
    format === "gzip"
      ? pipeline(file, countCompressed, createGunzip(), countUnpacked, extract, { signal: feedSignal })
      : pipeline(file, countCompressed, countUnpacked, extract, { signal: feedSignal });
  feeding.catch(() => undefined); // settled below

  let failure: { error: unknown } | null = null;
  try {
    for await (const entry of extract as AsyncIterable<TarEntry>) {
      entries += 1;
      if (entries > limits.maxEntries)
        throw tooLarge(
          "bundle_too_many_entries",
          `it holds more than ${limits.maxEntries.toLocaleString("en")} entries, the import limit.`,
        );
      const { name, place } = checkEntry(entry.header);
      await walk.visit(entry, name, place);
      report();
    }
  } catch (error) {
    failure = { error };
    stop.abort();
  }
  try {
    await feeding;
  } catch (error) {
    failure ??= { error };
  }
  if (failure) throw failure.error;
  return entries;
}

/** The entry's normalized name and place, or a 422 naming it. */
function checkEntry(header: tar.Header): { name: string; place: Place } {
  const raw = header.name;
  const shown = show(raw);
  if (raw.includes("\0")) throw rejected("unsafe_name", `${shown} has a NUL character in its name.`);
  // Backslashes are ordinary characters on Linux, but never let them spell a way out on a system that splits on them.
  if (raw.startsWith("/") || raw.startsWith("\\") || /^[A-Za-z]:/.test(raw))
    throw rejected("unsafe_name", `${shown} is an absolute path (path traversal): bundle entries are relative to its root.`);
  if (raw.split(/[/\\]/).includes("..")) throw rejected("unsafe_name", `${shown} leaves the bundle (path traversal).`);
  checkType(header, shown);
  const isDir = header.type === "directory";
  let name = raw.startsWith("./") ? raw.slice(2) : raw;
  if (isDir && name.endsWith("/")) name = name.slice(0, -1);
  if (name === "" || name === ".") {
    if (isDir) return { name: "", place: "root" };
    throw rejected("unsafe_name", `${shown} is not a file name.`);
  }
  if (name.split("/").some((part) => part === "" || part === "."))
    throw rejected("unsafe_name", `${shown} is not a normalized path (it has an empty or "." component).`);
  return { name, place: placeOf(name, isDir, shown) };
}

function checkType(header: tar.Header, shown: string): void {
  const type: string | null = header.type;
  if (type === "file" || type === "directory") return;
  const only = "a Kura bundle holds only regular files and folders";
  if (type === "symlink") {
    const target = header.linkname ?? "";
    const kind = target.startsWith("/") ? "an absolute link" : "a relative link";
    throw rejected("unsafe_entry_type", `${shown} is a symbolic link to ${show(target)} (${kind}); ${only}.`);
  }
  if (type === "link") throw rejected("unsafe_entry_type", `${shown} is a hard link to ${show(header.linkname ?? "")}; ${only}.`);
  const described: Record<string, string> = {
    "character-device": "a character device",
    "block-device": "a block device",
    fifo: "a named pipe (fifo)",
    "contiguous-file": "a contiguous file",
  };
  throw rejected("unsafe_entry_type", `${shown} is ${(type && described[type]) ?? "an entry of an unknown type"}; ${only}.`);
}

function placeOf(name: string, isDir: boolean, shown: string): Place {
  const expect = (wantDir: boolean, place: Place): Place => {
    if (isDir === wantDir) return place;
    throw rejected(
      "unexpected_entry",
      `${shown} must be a ${wantDir ? "folder" : "file"} in a Kura bundle, but it is a ${isDir ? "folder" : "file"}.`,
    );
  };
  if (name === "Dockerfile" || name === "README.md") return expect(false, "generated");
  if (name === "kura" || name === "accounts" || name === "payload" || name === "blobs" || name === "captures")
    return expect(true, "folder");
  // Issue 15: capture outputs (database dumps), each named by the manifest's captures.
  if (name.startsWith("captures/")) {
    if (/^captures\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) return expect(false, "capture");
    throw rejected("unexpected_entry", `${shown} is not a capture file: captures/ holds only plain file names.`);
  }
  if (name.startsWith("blobs/")) {
    if (/^blobs\/[0-9a-f]{64}$/.test(name)) return expect(false, "blob");
    throw rejected(
      "unexpected_entry",
      `${shown} is not a content file: blobs/ holds only files named by their SHA-256 (64 lowercase hex characters).`,
    );
  }
  if (name === BUNDLE_MANIFEST_NAME) return expect(false, "manifest");
  if (name.startsWith("kura/")) return isDir ? "folder" : "generated";
  if (name.startsWith("payload/")) return isDir ? "payload-dir" : "payload-file";
  if (name.startsWith("accounts/") && (BUNDLE_ACCOUNT_NAMES as readonly string[]).includes(name.slice("accounts/".length)))
    return expect(false, "account");
  throw rejected(
    "unexpected_entry",
    `${shown} is not part of a Kura bundle, which holds only Dockerfile, README.md, kura/, accounts/{${BUNDLE_ACCOUNT_NAMES.join(",")}}, captures/, payload/ and blobs/.`,
  );
}

async function readManifestJson(entry: TarEntry, maxBytes: number): Promise<Buffer> {
  const tooBig = () => tooLarge("manifest_too_large", `${BUNDLE_MANIFEST_NAME} is larger than ${formatBytes(maxBytes)}, the import limit.`);
  if (entry.header.size > maxBytes) throw tooBig();
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length > maxBytes) throw tooBig();
    parts.push(chunk);
  }
  return Buffer.concat(parts, length);
}

function parseManifest(json: Buffer): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json.toString("utf8"));
  } catch (err) {
    throw rejected("invalid_manifest", `${BUNDLE_MANIFEST_NAME} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
    throw rejected("invalid_manifest", `${BUNDLE_MANIFEST_NAME} is not a valid Kura manifest: ${where}: ${issue?.message ?? "invalid"}.`);
  }
  const manifest = parsed.data;
  for (const entryPath of [...manifest.entries.map((entry) => entry.path), ...manifest.deleted]) checkManifestPath(entryPath);
  return manifest;
}

/** Manifest paths steer the restore script, so they must be clean absolute paths too. */
function checkManifestPath(entryPath: string): void {
  if (entryPath === "/") return;
  const parts = entryPath.slice(1).split("/");
  if (parts.includes(".."))
    throw rejected("invalid_manifest", `the manifest names ${show(entryPath)}, which leaves the container's file system (path traversal).`);
  if (entryPath.includes("\0") || parts.some((part) => part === "" || part === "."))
    throw rejected("invalid_manifest", `the manifest names ${show(entryPath)}, which is not a normalized absolute path.`);
}

/** Every archived file of the manifest has matching content in the bundle, and the bundle carries nothing else. */
function matchManifest(manifest: Manifest, contents: Map<string, Content>): void {
  const claimed = new Set<string>();
  for (const entry of manifest.entries) {
    if (entry.type !== "file" || entry.sha256 === null) continue;
    const accountName = ACCOUNT_PATHS.get(entry.path);
    // Content the payload leaves out (package databases, a second copy of a path) travels as blobs/<sha256>.
    const candidates = [payloadName(entry.path), ...(accountName ? [accountName] : []), `blobs/${entry.sha256}`];
    const present = candidates.filter((name) => contents.has(name));
    if (present.length === 0)
      throw rejected(
        "content_missing",
        `${show(entry.path)} is in the manifest but its content (${candidates.join(" or ")}) is missing from the bundle.`,
      );
    for (const name of present) {
      const content = contents.get(name);
      if (!content) continue;
      if (content.sha256 !== entry.sha256)
        throw rejected(
          "hash_mismatch",
          `${show(name)} does not match the manifest (hash mismatch): its SHA-256 is ${content.sha256}, the manifest records ${entry.sha256}. The bundle was altered or damaged; export it again.`,
        );
      if (content.size !== entry.size)
        throw rejected(
          "size_mismatch",
          `${show(name)} holds ${content.size} bytes but the manifest records ${entry.size} for ${entry.path}.`,
        );
      claimed.add(name);
    }
  }
  // The pristine versions of conffiles (issue 14): as blobs/<sha256>, or the same content under another name.
  const carried = new Set([...contents.values()].map((content) => `${content.sha256}:${content.size}`));
  for (const entry of manifest.entries) {
    if (entry.type !== "file" || !entry.pristineSha256) continue;
    const name = `blobs/${entry.pristineSha256}`;
    const content = contents.get(name);
    if (content && (content.sha256 !== entry.pristineSha256 || content.size !== entry.pristineSize))
      throw rejected(
        "hash_mismatch",
        `${show(name)} does not match the pristine version of ${show(entry.path)} the manifest records. The bundle was altered or damaged; export it again.`,
      );
    if (content) claimed.add(name);
    else if (!carried.has(`${entry.pristineSha256}:${entry.pristineSize}`))
      throw rejected(
        "content_missing",
        `The pristine version of ${show(entry.path)} (${name}) is in the manifest but missing from the bundle.`,
      );
  }
  // Issue 15: each capture's output at captures/<name>, checked like any content (its SHA-256 and size).
  for (const capture of manifest.captures ?? []) {
    if (capture.name === null || capture.sha256 === null) continue;
    const name = `captures/${capture.name}`;
    const content = contents.get(name);
    if (!content)
      throw rejected("content_missing", `The ${capture.service} capture ${show(name)} is in the manifest but missing from the bundle.`);
    if (content.sha256 !== capture.sha256 || content.size !== capture.size)
      throw rejected(
        "hash_mismatch",
        `${show(name)} does not match the manifest (hash mismatch): its SHA-256 is ${content.sha256}, the manifest records ${capture.sha256}. The bundle was altered or damaged; export it again.`,
      );
    claimed.add(name);
  }
  for (const name of contents.keys())
    if (!claimed.has(name))
      throw rejected(
        "unlisted_file",
        `${show(name)} is not in the manifest as an archived file; every file under payload/ and accounts/ must be listed in ${BUNDLE_MANIFEST_NAME}.`,
      );
}

async function hashContent(entry: TarEntry): Promise<Content> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

async function drain(entry: TarEntry): Promise<void> {
  for await (const chunk of entry) void chunk;
}

/** AppErrors and aborts pass through; gzip and tar format errors mean the file is not a (whole) bundle. */
function describeReadError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof Error && err.name === "AbortError") return err;
  const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : "";
  if (code.startsWith("Z_")) return notABundle(`its gzip stream is damaged or incomplete (${(err as Error).message})`);
  const message = err instanceof Error ? err.message : "";
  if (!code && /tar header|Unexpected end of data|Header exceeds max size|Invalid header/i.test(message))
    return notABundle(`it is not a readable tar archive (${message})`);
  return err;
}

function rejected(code: string, message: string): AppError {
  return new AppError(422, code, `Bundle rejected: ${message}`);
}

function tooLarge(code: string, message: string): AppError {
  return new AppError(413, code, `Bundle rejected: ${message}`);
}

function notABundle(detail: string): AppError {
  return new AppError(
    422,
    "not_a_bundle",
    `Bundle rejected: this is not a Kura bundle, or it was cut short: ${detail}. Upload the .tar.gz exactly as Kura exported it.`,
  );
}

function show(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
