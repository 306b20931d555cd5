import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { assertMetaFolder, assertMetaName, type MetaCodec, type MetaStore } from "../meta-store";
import { s3Status } from "./map-s3-error";

/**
 * The object store's records (see meta-store.ts): one object each, `<prefix><folder>/<name>`. A PutObject is atomic,
 * so a record is there whole or not at all.
 */
export function createS3MetaStore(options: {
  client: S3Client;
  bucket: string;
  prefix: string;
  /** Resolves once the bucket exists. */
  ready: () => Promise<void>;
  /** Maps the object store's failures to AppErrors. */
  mapError: (error: unknown) => unknown;
  /** Plain, or sealed under the store's keys (meta-store.ts). */
  codec: MetaCodec;
}): MetaStore {
  const { client, bucket, prefix, ready, mapError, codec } = options;
  const send = async <T>(request: () => Promise<T>): Promise<T> => {
    await ready();
    try {
      return await request();
    } catch (error) {
      throw mapError(error);
    }
  };
  return {
    async putMeta(name, plain, putOptions = {}) {
      assertMetaName(name);
      await ready();
      const key = `${prefix}${await codec.storedName(name)}`;
      const bytes = await codec.seal(plain);
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: bytes,
              ContentLength: bytes.byteLength,
              ContentType: key.endsWith(".enc") ? "application/octet-stream" : "application/json",
              ...(putOptions.onlyIfAbsent ? { IfNoneMatch: "*" } : {}),
            }),
          );
          return true;
        } catch (error) {
          if (putOptions.onlyIfAbsent && s3Status(error) === 412) return false;
          // 409 ConditionalRequestConflict: two conditional creates at once; asked again, one of them gets 412.
          if (putOptions.onlyIfAbsent && s3Status(error) === 409 && attempt < 3) continue;
          throw mapError(error);
        }
      }
    },
    async getMeta(name) {
      assertMetaName(name, { stored: true });
      await ready();
      const stored = await codec.storedName(name);
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${stored}` }));
        return await codec.open(Buffer.from(await answer.Body!.transformToByteArray()), stored);
      } catch (error) {
        if (s3Status(error) === 404) return null;
        throw mapError(error);
      }
    },
    async removeMeta(name) {
      assertMetaName(name);
      await ready();
      const key = `${prefix}${await codec.storedName(name)}`;
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (s3Status(error) === 404) return false;
        throw mapError(error);
      }
      await send(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      return true;
    },
    async listMeta(folder) {
      assertMetaFolder(folder);
      const records: { name: string; size: number }[] = [];
      let token: string | undefined;
      do {
        const page = await send(() =>
          client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${folder}/`, ...(token ? { ContinuationToken: token } : {}) }),
          ),
        );
        for (const item of page.Contents ?? []) {
          const name = item.Key?.slice(prefix.length) ?? "";
          if (/^[a-z]+\/[0-9a-f]{64}\.(json|enc)$/.test(name)) records.push({ name, size: item.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return records;
    },
  };
}
