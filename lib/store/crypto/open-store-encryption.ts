import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { AppError } from "@/lib/api/app-error";
import { deriveBlobKeys, sealedName } from "./blob-cipher.mjs";

// The repository key of an encrypted store (issue 16): 32 random bytes made the first time the store is opened with
// KURA_STORE_KEY_FILE set, kept in the store itself as keys/repository.json, wrapped (AES-256-GCM) under a key
// derived with scrypt from the key file's contents. Content and names use keys derived from it (blob-cipher.mjs).
// Whoever has the store but not the key file has nothing readable; whoever loses the key file loses the archives.

/** What an encrypted store needs to seal, open and name its blobs. */
export type StoreEncryption = { contentKey: Buffer; nameKey: Buffer };

/** Where the store keeps its key record: a file in the store folder, an object under the bucket's prefix. */
export type KeyRecordAccess = {
  /** The record's bytes, or null when the store has none (an unencrypted or new store). */
  read(): Promise<Buffer | null>;
  /** Writes the record unless one exists (atomically); false when another writer made one first. */
  createIfAbsent(bytes: Buffer): Promise<boolean>;
  /** Whether the store already holds blobs (written unencrypted, since it has no record). */
  holdsBlobs(): Promise<boolean>;
};

type KeyRecord = {
  format: "kura-store-key";
  version: 1;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  wrap: { cipher: "aes-256-gcm"; nonce: string; key: string; tag: string };
  /** HMAC of a fixed text under the repository key: proves the unwrapped key is the store's. */
  check: string;
  createdAt: string;
};

export const KEY_RECORD_PATH = "keys/repository.json";
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const WRAP_AAD = Buffer.from("kura-store-key v1");

/**
 * The store's encryption, or null for an unencrypted store. `keyFile` is KURA_STORE_KEY_FILE; `location` names the
 * store in messages. Refuses (AppError 503) an encrypted store without the key file or with another one, a key file
 * that cannot be read, and a store that already holds unencrypted content when a key file is set.
 */
export async function openStoreEncryption(options: {
  keyFile: string | undefined;
  access: KeyRecordAccess;
  location: string;
}): Promise<StoreEncryption | null> {
  const { keyFile, access, location } = options;
  const existing = await access.read();
  if (!existing && !keyFile) return null;
  if (existing && !keyFile)
    throw new AppError(
      503,
      "store_key_required",
      `The archive store (${location}) is encrypted, and KURA_STORE_KEY_FILE is not set. Set it to the key file the store was ` +
        "created with and restart Kura; without that file the archives cannot be read.",
    );
  const secret = await readKeyFile(keyFile!);
  if (existing) return keysOf(await unwrapRecord(existing, secret, keyFile!, location));
  if (await access.holdsBlobs())
    throw new AppError(
      503,
      "store_not_encrypted",
      `KURA_STORE_KEY_FILE is set, but the archive store (${location}) already holds unencrypted archives. Encryption is only ` +
        "turned on for a new, empty store: unset KURA_STORE_KEY_FILE to keep using this one, or point KURA_DATA_DIR (or KURA_STORE) " +
        "at an empty place and move the archives over as bundles (export, then import).",
    );
  const repositoryKey = randomBytes(32);
  const record = await wrapRecord(repositoryKey, secret);
  if (await access.createIfAbsent(Buffer.from(`${JSON.stringify(record, null, 1)}\n`))) return keysOf(repositoryKey);
  // Another dashboard on the same store made its key first: use that one.
  const made = await access.read();
  if (!made) throw new Error("the store's key record vanished right after it was made");
  return keysOf(await unwrapRecord(made, secret, keyFile!, location));
}

/** The stored blob's name relative to blobs/: `<2 hex>/<name>.gz` unencrypted, `<2 hex>/<keyed name>.enc` encrypted. */
export function blobObjectName(encryption: StoreEncryption | null, sha256: string): string {
  if (!encryption) return `${sha256.slice(0, 2)}/${sha256}.gz`;
  const name = sealedName(encryption.nameKey, sha256);
  return `${name.slice(0, 2)}/${name}.enc`;
}

/** Whether a name under blobs/<2 hex>/ is a complete blob (of either kind). */
export function isBlobFileName(name: string): boolean {
  return /^[0-9a-f]{64}\.(gz|enc)$/.test(name);
}

function keysOf(repositoryKey: Buffer): StoreEncryption {
  return deriveBlobKeys(repositoryKey);
}

/** The key file's bytes, less one trailing line break (so `echo secret > file` and `printf secret > file` agree). */
async function readKeyFile(keyFile: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(keyFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new AppError(503, "store_key_file_unreadable", `KURA_STORE_KEY_FILE (${keyFile}) cannot be read (${code}).`);
  }
  let end = bytes.byteLength;
  if (bytes[end - 1] === 0x0a) end -= 1;
  if (bytes[end - 1] === 0x0d) end -= 1;
  if (end < 8)
    throw new AppError(
      503,
      "store_key_file_unreadable",
      `KURA_STORE_KEY_FILE (${keyFile}) holds ${end} bytes: a key file needs a passphrase or key of at least 8 (better 32 random bytes, e.g. openssl rand -base64 32).`,
    );
  return bytes.subarray(0, end);
}

function wrappingKey(secret: Buffer, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const checkOf = (repositoryKey: Buffer) => createHmac("sha256", repositoryKey).update("kura-store-key-check").digest().subarray(0, 16);

async function wrapRecord(repositoryKey: Buffer, secret: Buffer): Promise<KeyRecord> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = await wrappingKey(secret, salt, SCRYPT);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(WRAP_AAD);
  const wrapped = Buffer.concat([cipher.update(repositoryKey), cipher.final()]);
  return {
    format: "kura-store-key",
    version: 1,
    kdf: { name: "scrypt", ...SCRYPT, salt: salt.toString("base64") },
    wrap: {
      cipher: "aes-256-gcm",
      nonce: nonce.toString("base64"),
      key: wrapped.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
    },
    check: checkOf(repositoryKey).toString("base64"),
    createdAt: new Date().toISOString(),
  };
}

async function unwrapRecord(bytes: Buffer, secret: Buffer, keyFile: string, location: string): Promise<Buffer> {
  const damaged = () =>
    new AppError(
      503,
      "store_key_record_damaged",
      `The archive store's key record (${KEY_RECORD_PATH} in ${location}) is damaged or not Kura's; without it the archives cannot be read.`,
    );
  let record: KeyRecord;
  try {
    record = JSON.parse(bytes.toString("utf8")) as KeyRecord;
  } catch {
    throw damaged();
  }
  if (record?.format !== "kura-store-key" || record.version !== 1 || record.kdf?.name !== "scrypt" || !record.wrap) throw damaged();
  const { N, r, p } = record.kdf;
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0) || N > 1 << 20 || r > 32 || p > 16) throw damaged();
  const key = await wrappingKey(secret, Buffer.from(record.kdf.salt, "base64"), { N, r, p });
  let repositoryKey: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(record.wrap.nonce, "base64"));
    decipher.setAAD(WRAP_AAD);
    decipher.setAuthTag(Buffer.from(record.wrap.tag, "base64"));
    repositoryKey = Buffer.concat([decipher.update(Buffer.from(record.wrap.key, "base64")), decipher.final()]);
  } catch {
    repositoryKey = Buffer.alloc(0);
  }
  const check = Buffer.from(record.check ?? "", "base64");
  if (repositoryKey.byteLength !== 32 || check.byteLength !== 16 || !timingSafeEqual(check, checkOf(repositoryKey)))
    throw new AppError(
      503,
      "store_key_wrong",
      `KURA_STORE_KEY_FILE (${keyFile}) does not unlock the encrypted archive store (${location}): it is not the key file the ` +
        "store was created with. Set it to that file and restart Kura.",
    );
  return repositoryKey;
}

/**
 * Opens the store's encryption once, when first needed (a store is created synchronously; reading its key record is
 * not). A refusal about the key (an AppError) is kept, since only a restart with other settings changes it; any other
 * failure (a disk or an object store not answering) is tried again at the next call.
 */
export function lazyEncryption(open: () => Promise<StoreEncryption | null>): () => Promise<StoreEncryption | null> {
  let opened: Promise<StoreEncryption | null> | null = null;
  return () => {
    opened ??= open().catch((error: unknown) => {
      if (!(error instanceof AppError)) opened = null;
      throw error;
    });
    return opened;
  };
}
