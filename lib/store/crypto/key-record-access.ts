import { randomUUID } from "node:crypto";
import { link, mkdir, readdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isBlobFileName, KEY_RECORD_PATH, type KeyRecordAccess } from "./open-store-encryption";

// Where each backend keeps its key record (keys/repository.json), for openStoreEncryption.

/** The record as a file in the store folder, made atomically (written aside, then linked into place). */
export function fileKeyRecord(rootDir: string): KeyRecordAccess {
  const file = path.join(rootDir, KEY_RECORD_PATH);
  return {
    async read() {
      try {
        return await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async createIfAbsent(bytes) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const aside = `${file}.${randomUUID()}`;
      await writeFile(aside, bytes, { mode: 0o600, flush: true });
      try {
        await link(aside, file);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw error;
      } finally {
        await unlink(aside);
      }
    },
    async holdsBlobs() {
      const blobsDir = path.join(rootDir, "blobs");
      for (const shard of await readdir(blobsDir).catch(() => [] as string[])) {
        const names = await readdir(path.join(blobsDir, shard)).catch(() => [] as string[]);
        if (names.some(isBlobFileName)) return true;
      }
      return false;
    },
  };
}

/** The record as an object under the store's prefix, created with If-None-Match: * (exactly one writer wins). */
export function s3KeyRecord(options: {
  client: S3Client;
  bucket: string;
  prefix: string;
  status: (error: unknown) => number | undefined;
  mapError: (error: unknown) => unknown;
}): KeyRecordAccess {
  const { client, bucket, prefix, status, mapError } = options;
  const key = `${prefix}${KEY_RECORD_PATH}`;
  return {
    async read() {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      } catch (error) {
        if (status(error) === 404) return null;
        throw mapError(error);
      }
    },
    async createIfAbsent(bytes) {
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: "application/json", IfNoneMatch: "*" }),
        );
        return true;
      } catch (error) {
        if (status(error) === 412 || status(error) === 409) return false;
        throw mapError(error);
      }
    },
    async holdsBlobs() {
      try {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}blobs/`, MaxKeys: 1 }));
        return (listed.KeyCount ?? listed.Contents?.length ?? 0) > 0;
      } catch (error) {
        throw mapError(error);
      }
    },
  };
}
