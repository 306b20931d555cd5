import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

export type ListedKey = { key: string; size: number; modified: Date | undefined };

/** Every key under `keyPrefix` (after `startAfter`, when given), page by page, with its size and time. */
export async function* listKeys(
  client: S3Client,
  bucket: string,
  keyPrefix: string,
  mapError: (error: unknown) => unknown,
  startAfter?: string,
): AsyncGenerator<ListedKey> {
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: keyPrefix,
          ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
        }),
      );
    } catch (error) {
      throw mapError(error);
    }
    for (const item of page.Contents ?? []) if (item.Key) yield { key: item.Key, size: item.Size ?? 0, modified: item.LastModified };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
