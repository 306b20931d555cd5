import { createHash, randomBytes } from "node:crypto";
import { PassThrough, pipeline, type Readable } from "node:stream";
import tar from "tar-stream";
import { DEBIAN_PACKAGE_NAME } from "@/lib/archives/manifest";
import { buildImage } from "@/lib/docker/build-image";
import { readImageFiles } from "@/lib/docker/read-image-files";
import { removeImage } from "@/lib/docker/run-container";
import type { EngineConnection } from "@/lib/docker/types";

// The pristine versions of conffiles from the old package itself (issue 14, "else the old package"): when the image's
// layers do not hold a conffile's pristine version (the package was installed in the container itself), Kura fetches
// the exact installed version of the owning package's .deb from the container's own release repository, at archive
// time (years later that repository may be gone), and keeps the conffile as the package shipped it. The proof it took
// the right one: its md5 equals the one dpkg (or ucf) recorded in the container.
//
// How: one image build FROM the container's own image (on the engine, since the container exists), on the build
// network, running a fixed script: `apt-get update`, `apt-get download name=version`, `dpkg-deb --fsys-tarfile` and
// the wanted paths copied out (a ucf file, which the package ships under another path, is found by its md5). The
// package names, versions and paths reach the script as data files, never inside its text. The results are read from
// the built image through a created, never started, container (within size limits), and the image is removed.

/** One conffile to fetch: its path, owning package, the installed version, and the md5 dpkg (or ucf) recorded. */
export type PackagePristineWant = { path: string; package: string; version: string; kind: "dpkg" | "ucf"; md5: string };

/** Per path: the pristine bytes and where they came from, or null and why none. */
export type PackagePristine = { content: Buffer; why: string } | { content: null; why: string };

export type FetchPackagePristinesResult = {
  read: Map<string, PackagePristine>;
  /** One sentence when the fetch failed as a whole (no network, no apt, a failed build), for the archive's warning. */
  problem: string | null;
};

/** The whole fetch (build, downloads, reading the results) gives up after this long. */
export const PRISTINE_FETCH_TIMEOUT_MS = 150_000;
const FILE_MAX_BYTES = 1024 * 1024;
const STATUS_MAX_BYTES = 256 * 1024;
const DIR = "/kura-pristine";

/** Debian versions: [epoch:]upstream[-revision], letters, digits and . + ~ : - only. */
const DEBIAN_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+~:-]{0,199}$/;

// POSIX sh, run as root in the build. Never fails the RUN step: every outcome is written to status.
// status lines: "* no-apt" | "* update-error TEXT" | "P NAME ok" | "P NAME download-failed TEXT" | "P NAME unpack-failed"
//               "F INDEX found PATH-IN-PACKAGE" | "F INDEX mismatch MD5" | "F INDEX absent"
const SCRIPT = `set -u
cd ${DIR} || exit 0
: > status
mkdir -p out
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1 || ! command -v md5sum >/dev/null 2>&1; then
  echo "* no-apt" >> status; exit 0
fi
first_line() { tr -cd '[:print:]\\n' | head -n 1 | cut -c1-300; }
apt-get update -o Acquire::Retries=0 -o Acquire::http::Timeout=15 -o Acquire::https::Timeout=15 < /dev/null > update.log 2>&1
failed=$(grep -e '^E: ' -e '^W: Failed to fetch' update.log | first_line)
[ -n "$failed" ] && echo "* update-error $failed" >> status
while read -r name version; do
  rm -rf deb root && mkdir deb root
  if ! (cd deb && apt-get download -o Acquire::Retries=0 "$name=$version") < /dev/null > download.log 2>&1; then
    echo "P $name download-failed $(grep -e '^E: ' download.log | first_line)" >> status; continue
  fi
  for deb in deb/*.deb; do
    if dpkg-deb --fsys-tarfile "$deb" | tar -x -C root -f - 2>/dev/null; then echo "P $name ok" >> status
    else echo "P $name unpack-failed" >> status; fi
  done
  while read -r index owner md5 path; do
    [ "$owner" = "$name" ] || continue
    file="root$path"
    if [ -f "$file" ] && [ ! -L "$file" ] && [ "$(md5sum < "$file" | cut -c1-32)" = "$md5" ]; then
      cp "$file" "out/$index"; echo "F $index found $path" >> status; continue
    fi
    found=$(find root -type f -size -1025k -exec md5sum {} + 2>/dev/null | awk -v m="$md5" '$1 == m { print substr($0, 35); exit }')
    if [ -n "$found" ]; then
      cp "$found" "out/$index"; echo "F $index found \${found#root}" >> status
    elif [ -f "$file" ]; then
      echo "F $index mismatch $(md5sum < "$file" | cut -c1-32)" >> status
    else
      echo "F $index absent" >> status
    fi
  done < files
done < packages
rm -rf deb root /var/lib/apt/lists/*
exit 0
`;

const REMOVAL_WAIT_MS = 15_000;

const timeoutText = (timeoutMs = PRISTINE_FETCH_TIMEOUT_MS) => `fetching the packages took over ${Math.round(timeoutMs / 1000)} s`;

/** `promise`, or a rejection once `signal` aborts (what it was doing goes on, and cleans up after itself). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

const md5Of = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** Why a path that never reached the script cannot be fetched (names and paths are checked before any build). */
function refusal(want: PackagePristineWant): string | null {
  if (!DEBIAN_PACKAGE_NAME.test(want.package)) return `its package name (${want.package.slice(0, 80)}) is not a Debian package name`;
  if (!DEBIAN_VERSION.test(want.version)) return `the installed version of ${want.package} is not a Debian version`;
  if (!/^[0-9a-f]{32}$/.test(want.md5)) return "no md5 of the package's version was recorded";
  if (!want.path.startsWith("/") || /[\s\\]/.test(want.path) || want.path.split("/").includes(".."))
    return "its path holds white space, a backslash or ..";
  return null;
}

function buildContext(imageId: string, packages: [string, string][], files: string[]): Readable {
  const pack = tar.pack();
  // FROM the image's id: exactly the container's image, never a tag the engine would try to pull.
  const dockerfile = [`FROM ${imageId}`, "USER root", `COPY kura-pristine ${DIR}`, `RUN ["/bin/sh", "${DIR}/fetch.sh"]`, ""];
  pack.entry({ name: "Dockerfile" }, dockerfile.join("\n"));
  pack.entry({ name: "kura-pristine/fetch.sh", mode: 0o755 }, SCRIPT);
  pack.entry({ name: "kura-pristine/packages" }, packages.map(([name, version]) => `${name} ${version}\n`).join(""));
  pack.entry({ name: "kura-pristine/files" }, files.join(""));
  pack.finalize();
  const context = new PassThrough();
  pipeline(pack, context, () => undefined);
  return context;
}

/** The first failure's text from the script's status ("Temporary failure resolving 'deb.debian.org'"). */
function shortText(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/**
 * Fetch the pristine version of each wanted conffile from its package's exact version in the release's repository,
 * with one build FROM `imageId` on `networkMode`. Never throws for what the container or the repository lacks: each
 * path gets its content or why not.
 */
export async function fetchPackagePristines(
  engine: EngineConnection,
  imageId: string,
  wants: readonly PackagePristineWant[],
  options: { networkMode?: string; signal: AbortSignal; timeoutMs?: number; onLog?: (line: string) => void },
): Promise<FetchPackagePristinesResult> {
  const read = new Map<string, PackagePristine>();
  const fetchable: PackagePristineWant[] = [];
  for (const want of wants) {
    const refused = refusal(want);
    if (refused) read.set(want.path, { content: null, why: `not fetched from its package: ${refused}` });
    else fetchable.push(want);
  }
  if (!fetchable.length) return { read, problem: null };
  if (!/^sha256:[0-9a-f]{64}$/.test(imageId)) {
    for (const want of fetchable)
      read.set(want.path, { content: null, why: "not fetched from its package: the container's image id is unknown" });
    return { read, problem: "the container's image id is unknown" };
  }

  const versions = new Map(fetchable.map((want) => [want.package, want.version]));
  const files = fetchable.map((want, index) => `${index} ${want.package} ${want.md5} ${want.path}\n`);
  const tag = `kura-pristine-fetch:${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? PRISTINE_FETCH_TIMEOUT_MS)]);
  const context = buildContext(imageId, [...versions], files);
  const failAll = (problem: string): FetchPackagePristinesResult => {
    for (const want of fetchable) read.set(want.path, { content: null, why: problem });
    return { read, problem };
  };

  let built: { imageId: string };
  try {
    // The signal bounds the build once it runs; untilAborted also bounds an engine slow to accept it.
    built = await untilAborted(
      buildImage(engine, context, {
        tag,
        networkMode: options.networkMode,
        noCache: true, // a cached failure (or a cached success from another network) must not stand in for this fetch
        labels: { "kura.role": "pristine-fetch" },
        signal,
        onLog: options.onLog,
      }),
      signal,
    );
  } catch (error) {
    await removeImage(engine, tag).catch(() => undefined);
    options.signal.throwIfAborted();
    const timedOut = signal.aborted;
    const message = timedOut
      ? timeoutText(options.timeoutMs)
      : `the helper build FROM the container's image failed (${shortText(error instanceof Error ? error.message : String(error))})`;
    return failAll(`not fetched from its package: ${message}`);
  }

  try {
    const paths = [`${DIR}/status`, ...fetchable.map((_, index) => `${DIR}/out/${index}`)];
    const reading = readImageFiles(engine, built.imageId, paths, {
      maxBytes: Math.max(FILE_MAX_BYTES, STATUS_MAX_BYTES),
      labels: { "kura.role": "pristine-fetch-read" },
    });
    const outputs = await untilAborted(reading, signal).catch((error: unknown) => {
      options.signal.throwIfAborted();
      if (signal.aborted) return null;
      throw error;
    });
    if (!outputs) return failAll(`not fetched from its package: ${timeoutText(options.timeoutMs)}`);
    const status = outputs.get(`${DIR}/status`);
    const lines = status?.content ? status.content.subarray(0, STATUS_MAX_BYTES).toString("utf8").split("\n") : [];
    if (lines.includes("* no-apt")) return failAll("not fetched from its package: the image has no apt-get, dpkg-deb or md5sum");
    const updateError = lines.find((line) => line.startsWith("* update-error "))?.slice("* update-error ".length);
    const packageResult = new Map<string, string>();
    const fileResult = new Map<string, string>();
    for (const line of lines) {
      const [kind, key, ...rest] = line.split(" ");
      if (kind === "P" && key && !packageResult.has(key)) packageResult.set(key, rest.join(" "));
      if (kind === "F" && key) fileResult.set(key, rest.join(" "));
    }
    let unreachable = false;
    fetchable.forEach((want, index) => {
      const label = `${want.package} ${want.version}`;
      const pkg = packageResult.get(want.package);
      if (pkg === undefined || pkg.startsWith("download-failed")) {
        const detail = shortText(pkg?.slice("download-failed".length) ?? "");
        if (updateError) unreachable = true;
        const why = updateError
          ? `${label}'s package was not fetched: the release's repository could not be reached from the build network (${shortText(updateError)})`
          : `${label}'s package is not in the release's repository (any more)${detail ? `: ${detail}` : ""}`;
        read.set(want.path, { content: null, why });
        return;
      }
      if (pkg !== "ok") return void read.set(want.path, { content: null, why: `${label}'s package could not be unpacked` });
      const file = outputs.get(`${DIR}/out/${index}`);
      const result = fileResult.get(String(index)) ?? "absent";
      if (!file?.content) {
        const why = result.startsWith("mismatch")
          ? `${label}'s package holds ${want.path}, but not the version dpkg recorded (md5 ${want.md5})`
          : `${label}'s package does not hold ${want.path}${want.kind === "ucf" ? " (nor any file with the md5 ucf recorded)" : ""}`;
        return void read.set(want.path, { content: null, why });
      }
      // The proof: the md5 the container's package database recorded for the package's version of the file.
      if (md5Of(file.content) !== want.md5)
        return void read.set(want.path, {
          content: null,
          why: `the file fetched from ${label}'s package does not have the md5 dpkg recorded`,
        });
      const at = result.startsWith("found ") ? result.slice("found ".length) : want.path;
      const where = at === want.path ? "" : ` (as ${at.slice(0, 200)})`;
      read.set(want.path, { content: file.content, why: `from ${label}'s package${where}, fetched from the release's repository` });
    });
    return {
      read,
      problem: unreachable ? `the release's repository could not be reached from the build network (${shortText(updateError!)})` : null,
    };
  } finally {
    // A busy engine can take long to delete an image: the archive waits a little, never for the whole removal.
    const removal = removeImage(engine, built.imageId).catch(() => undefined);
    await Promise.race([removal, new Promise((resolve) => setTimeout(resolve, REMOVAL_WAIT_MS).unref())]);
  }
}
