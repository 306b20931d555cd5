import path from "node:path";
import { env } from "@/lib/env";
import { createBlobStore, type BlobStore } from "./blob-store";
import { createChunkedBlobStore } from "./chunked/create-chunked-blob-store";
import { createS3BlobStore } from "./s3/create-s3-blob-store";
import { processSingleton } from "@/lib/process-singleton";

// The one content-addressed store of this Kura: the folder <KURA_DATA_DIR>/store, or the S3 bucket KURA_STORE names.
// Contents over KURA_CHUNK_THRESHOLD_BYTES are kept in chunks, in a store of their own beside the whole blobs
// (<store>/chunks, or <prefix>chunks/): see chunked/create-chunked-blob-store.ts.
export const store: BlobStore = processSingleton("store", () => {
  const root = path.join(env.KURA_DATA_DIR, "store");
  const compressionLevel = env.KURA_COMPRESSION_LEVEL;
  // Encrypted when KURA_STORE_KEY_FILE is set (or refused without it when the store is encrypted): see crypto/.
  const keyFile = env.KURA_STORE_KEY_FILE;
  const chunked = { thresholdBytes: env.KURA_CHUNK_THRESHOLD_BYTES };
  if (env.KURA_STORE.kind === "file")
    return createChunkedBlobStore(
      createBlobStore(root, { compressionLevel, keyFile }),
      createBlobStore(path.join(root, "chunks"), { compressionLevel, keyFile }),
      chunked,
    );
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  // The SDK reads credentials (and the endpoint) from the AWS variables, ~/.aws/credentials and ~/.aws/config itself;
  // the region falls back to us-east-1, which S3-compatible stores accept.
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const { bucket, prefix } = env.KURA_STORE;
  const s3 = (keyPrefix: string, local: string) =>
    createS3BlobStore({
      bucket,
      prefix: keyPrefix,
      root: local,
      compressionLevel,
      keyFile,
      client: { region, ...(endpoint ? { endpoint } : {}) },
    });
  return createChunkedBlobStore(s3(prefix, root), s3(`${prefix}chunks/`, path.join(root, "chunks")), chunked);
});
