import { randomUUID } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import { opening, sealedName, sealSync } from "./crypto/blob-cipher.mjs";
import type { StoreEncryption } from "./crypto/open-store-encryption";

/**
 * Small named records kept beside the blobs (the chunked store's recipes: lib/store/chunked/), one folder level deep:
 * `recipes/<sha256>.json`. Each is written whole or not at all (a crash never leaves half a record under its name).
 * In an encrypted store (crypto/) a record is sealed like a blob and stored under a keyed name,
 * `recipes/<HMAC(name key, name)>.enc`, so it reveals neither which contents are stored nor their chunks; listMeta then
 * gives those stored names, which getMeta also takes.
 */
export type MetaStore = {
  /**
   * Writes `bytes` under `name` durably (resolves once it survives a power loss), replacing what was there; with
   * `onlyIfAbsent`, only when there is no record of that name (atomically: of concurrent writers exactly one creates
   * it). Resolves with whether it wrote.
   */
  putMeta(name: string, bytes: Buffer, options?: { onlyIfAbsent?: boolean }): Promise<boolean>;
  /** The record, or null when there is none. */
  getMeta(name: string): Promise<Buffer | null>;
  /** True when a record was removed. */
  removeMeta(name: string): Promise<boolean>;
  /** The records in `folder` (e.g. "recipes") as stored (see above), with their sizes. */
  listMeta(folder: string): Promise<{ name: string; size: number }[]>;
};

const META_NAME = /^[a-z]+\/[0-9a-f]{64}\.json$/;
const STORED_NAME = /^[a-z]+\/[0-9a-f]{64}\.(json|enc)$/;

/** How records are kept: as they are, or sealed under the store's keys. Shared by both stores. */
export function metaCodec(encryption: () => Promise<StoreEncryption | null>) {
  return {
    /** The stored name of the record `name` (a stored name from listMeta is kept as it is). */
    async storedName(name: string): Promise<string> {
      if (name.endsWith(".enc")) return name;
      const sealed = await encryption();
      if (!sealed) return name;
      const folder = name.slice(0, name.indexOf("/"));
      return `${folder}/${sealedName(sealed.nameKey, `meta:${name}`)}.enc`;
    },
    async seal(bytes: Buffer): Promise<Buffer> {
      const sealed = await encryption();
      return sealed ? sealSync(sealed.contentKey, bytes) : bytes;
    },
    async open(stored: Buffer, storedName: string): Promise<Buffer> {
      if (!storedName.endsWith(".enc")) return stored;
      const sealed = await encryption();
      if (!sealed) throw new AppError(503, "store_key_required", "This record is encrypted and the store has no key.");
      const parts: Buffer[] = [];
      for await (const part of Readable.from([stored]).pipe(opening(sealed.contentKey))) parts.push(part as Buffer);
      return Buffer.concat(parts);
    },
  };
}
export type MetaCodec = ReturnType<typeof metaCodec>;
const META_FOLDER = /^[a-z]+$/;

/** Throws unless `name` is `<folder>/<sha256>.json`, so no name can leave the store. */
export function assertMetaName(name: string, options: { stored?: boolean } = {}): void {
  if (!(options.stored ? STORED_NAME : META_NAME).test(name))
    throw new AppError(422, "invalid_meta_name", `${JSON.stringify(name)} is not a record name of the store.`);
}

export function assertMetaFolder(folder: string): void {
  if (!META_FOLDER.test(folder))
    throw new AppError(422, "invalid_meta_name", `${JSON.stringify(folder)} is not a record folder of the store.`);
}

/** The filesystem store's records: `<root>/<folder>/<name>`, written to a temporary name beside, fsynced, renamed. */
export function createFileMetaStore(rootDir: string, modes: { fileMode: number; dirMode: number }, codec: MetaCodec): MetaStore {
  const code = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code;
  const syncDir = async (dir: string) => {
    const handle = await open(dir, "r").catch(() => null);
    try {
      await handle?.sync();
    } catch {
      // Some file systems cannot fsync a folder; the record itself is synced.
    } finally {
      await handle?.close();
    }
  };
  return {
    async putMeta(name, plain, options = {}) {
      assertMetaName(name);
      const target = path.join(rootDir, await codec.storedName(name));
      const bytes = await codec.seal(plain);
      const dir = path.dirname(target);
      await mkdir(dir, { recursive: true, mode: modes.dirMode });
      // Beside its target (same file system, so the rename is atomic); a crash leaves at most a ".tmp-" file there.
      const temporary = path.join(dir, `.tmp-${randomUUID()}`);
      const handle = await open(temporary, "wx", modes.fileMode);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temporary, { force: true });
        throw error;
      }
      await handle.close();
      if (options.onlyIfAbsent) {
        // link fails with EEXIST atomically when the name is taken.
        try {
          await link(temporary, target);
        } catch (error) {
          await rm(temporary, { force: true });
          if (code(error) === "EEXIST") return false;
          throw error;
        }
        await rm(temporary, { force: true });
      } else await rename(temporary, target);
      await syncDir(dir);
      return true;
    },
    async getMeta(name) {
      assertMetaName(name, { stored: true });
      const stored = await codec.storedName(name);
      try {
        return await codec.open(await readFile(path.join(rootDir, stored)), stored);
      } catch (error) {
        if (code(error) === "ENOENT") return null;
        throw error;
      }
    },
    async removeMeta(name) {
      assertMetaName(name);
      try {
        await unlink(path.join(rootDir, await codec.storedName(name)));
        return true;
      } catch (error) {
        if (code(error) === "ENOENT") return false;
        throw error;
      }
    },
    async listMeta(folder) {
      assertMetaFolder(folder);
      const dir = path.join(rootDir, folder);
      const names = await readdir(dir).catch((error: unknown) => {
        if (code(error) === "ENOENT") return [] as string[];
        throw error;
      });
      const records = await Promise.all(
        names
          .filter((entry) => STORED_NAME.test(`${folder}/${entry}`))
          .map(async (entry) => {
            const info = await stat(path.join(dir, entry)).catch(() => null);
            return info ? { name: `${folder}/${entry}`, size: info.size } : null;
          }),
      );
      return records.filter((record) => record !== null);
    },
  };
}
