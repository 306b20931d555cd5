import { createHash } from "node:crypto";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { readRegularFile, withImageContainer, type ImageFile } from "@/lib/docker/read-image-files";
import type { EngineConnection } from "@/lib/docker/types";
import { walkArchive } from "@/lib/docker/walk-archive";
import { mapLimit } from "@/lib/concurrency/map-limit";
import { newsPathOf, parseStagePackages, type InfoFiles } from "./parse-stage-packages";
import type { PackageStageFacts } from "./types";

// Reads a restore's packages stage (the new base with the archived packages installed, built as the
// Dockerfile's "kura-packages" target) into PackageStageFacts (issue 14): dpkg's status and
// /var/lib/dpkg/info, each package's NEWS.Debian, and the files the planner asked for (the new
// defaults of archived conffiles). Through one created, never started, container without network,
// removed in finally; every read is bounded, only regular files are read, and text is checked.
// The image is Kura's own build from the archive's package list, but its packages' scripts and files
// are still someone else's: a file over a limit is left out and said in `warnings`.

export const STAGE_LIMITS = {
  dpkgStatus: 64 * 1024 * 1024,
  /** Each file of /var/lib/dpkg/info that is kept (lists, conffiles, maintainer scripts). */
  infoFile: 16 * 1024 * 1024,
  /** All of them together. */
  infoTotal: 256 * 1024 * 1024,
  /** A NEWS.Debian(.gz) as stored, and uncompressed. */
  newsFile: 1024 * 1024,
  newsUncompressed: 4 * 1024 * 1024,
  /** A requested file (a new default): larger ones, and binary ones, are null. */
  wantedFile: 1024 * 1024,
} as const;

/** Engine calls in flight while reading NEWS.Debian files and the wanted files, one call per file. */
const READS_IN_FLIGHT = 8;

/** The walk of /usr/share/doc receives files up to this size whole to reach the NEWS files after them; a larger one ends it. */
const NEWS_WALK_DRAIN_BYTES = 4 * 1024 * 1024;

const INFO_KEPT = /\.(list|conffiles|preinst|postinst|prerm|postrm)$/;

/** UTF-8 text without NUL bytes, or null (binary, or not valid UTF-8). */
export function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export async function readPackageStage(
  engine: EngineConnection,
  imageId: string,
  /** The files whose text to read, or a function of the installed packages giving them (paths mapped to new versions). */
  wantedFiles: readonly string[] | ((packages: PackageStageFacts["packages"]) => readonly string[]),
  options: { signal?: AbortSignal } = {},
): Promise<PackageStageFacts> {
  const warnings: string[] = [];
  return withImageContainer(engine, imageId, { "kura.role": "package-stage-probe" }, async (containerId) => {
    const status = await readRegularFile(engine, containerId, "/var/lib/dpkg/status", STAGE_LIMITS.dpkgStatus);
    if (!status.content) {
      if (status.why !== "absent") warnings.push(`/var/lib/dpkg/status was not read (${status.why}): no package facts.`);
      return { imageId, packages: {}, ...(await readWanted({})), warnings };
    }
    options.signal?.throwIfAborted();
    const info: InfoFiles = new Map();
    let infoBytes = 0;
    await walkArchive(
      engine,
      containerId,
      "/var/lib/dpkg/info",
      (header) => {
        if (header.tooLarge) {
          warnings.push(`${header.path} is over ${STAGE_LIMITS.infoFile} bytes: it and the info files after it were not read.`);
          return;
        }
        if (!header.content || header.type !== "file") return;
        infoBytes += header.content.byteLength;
        if (infoBytes > STAGE_LIMITS.infoTotal) return;
        info.set(path.posix.basename(header.path), header.content.toString("utf8"));
      },
      { keep: (file) => INFO_KEPT.test(file), keepMaxBytes: STAGE_LIMITS.infoFile },
    );
    if (infoBytes > STAGE_LIMITS.infoTotal)
      warnings.push(`/var/lib/dpkg/info holds over ${STAGE_LIMITS.infoTotal} bytes: the rest was not read.`);
    const statusText = status.content.toString("utf8");
    const withoutNews = parseStagePackages(statusText, info, new Map());
    const news = new Map<string, string>();
    const withNews = Object.values(withoutNews).flatMap((pkg) => {
      const newsPath = newsPathOf(pkg);
      return newsPath ? [{ name: pkg.name, newsPath }] : [];
    });
    // One walk of /usr/share/doc takes them all (one engine call: each call costs some 70 ms, a stage has dozens of
    // NEWS files). What it did not give whole (the walk stopped at a large file, a hard link, a folder that is a
    // symbolic link) is read one engine call per file: several in flight, read back in order.
    const walked = await readNewsFiles(new Set(withNews.map((item) => item.newsPath)));
    const newsReads = await mapLimit(withNews, READS_IN_FLIGHT, async (item) => {
      options.signal?.throwIfAborted();
      const read = walked.get(item.newsPath) ?? (await readRegularFile(engine, containerId, item.newsPath, STAGE_LIMITS.newsFile));
      return { ...item, read };
    });
    for (const { name, newsPath, read } of newsReads) {
      if (!read.content) {
        if (read.why !== "absent") warnings.push(`${newsPath} was not read (${read.why}).`);
        continue;
      }
      try {
        const bytes = newsPath.endsWith(".gz")
          ? gunzipSync(read.content, { maxOutputLength: STAGE_LIMITS.newsUncompressed })
          : read.content;
        const text = asText(bytes);
        if (text === null) warnings.push(`${newsPath} is not text: left out.`);
        else news.set(name, text);
      } catch {
        warnings.push(`${newsPath} could not be uncompressed within ${STAGE_LIMITS.newsUncompressed} bytes: left out.`);
      }
    }
    const packages = parseStagePackages(statusText, info, news);
    return { imageId, packages, ...(await readWanted(packages)), warnings };

    async function readNewsFiles(paths: ReadonlySet<string>): Promise<Map<string, ImageFile>> {
      const found = new Map<string, ImageFile>();
      if (paths.size === 0) return found;
      options.signal?.throwIfAborted();
      await walkArchive(
        engine,
        containerId,
        "/usr/share/doc",
        (header) => {
          if (!paths.has(header.path)) return;
          if (header.tooLarge) found.set(header.path, { content: null, why: "too-large" });
          else if (header.type !== "file") found.set(header.path, { content: null, why: "not-a-file" });
          else if (header.content && !header.hardLinkTo) found.set(header.path, { content: header.content });
        },
        { keep: (file) => paths.has(file), keepMaxBytes: STAGE_LIMITS.newsFile, drainMaxBytes: NEWS_WALK_DRAIN_BYTES },
      );
      return found;
    }

    async function readWanted(packages: PackageStageFacts["packages"]): Promise<Pick<PackageStageFacts, "files" | "fileSha256">> {
      const files: Record<string, string | null> = {};
      const fileSha256: Record<string, string> = {};
      const wanted = [...new Set(typeof wantedFiles === "function" ? wantedFiles(packages) : wantedFiles)].filter(
        (file) => file.startsWith("/") && !file.includes("\0"),
      );
      const reads = await mapLimit(wanted, READS_IN_FLIGHT, async (file) => {
        options.signal?.throwIfAborted();
        return { file, read: await readRegularFile(engine, containerId, file, STAGE_LIMITS.wantedFile) };
      });
      for (const { file, read } of reads) {
        const text = read.content ? asText(read.content) : null;
        files[file] = text;
        if (text !== null && read.content) fileSha256[file] = createHash("sha256").update(read.content).digest("hex");
      }
      return { files, fileSha256 };
    }
  });
}
