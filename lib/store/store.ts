import path from "node:path";
import { env } from "@/lib/env";
import { createBlobStore, type BlobStore } from "./blob-store";
import { createS3BlobStore } from "./s3/create-s3-blob-store";
import { processSingleton } from "@/lib/process-singleton";

// The one content-addressed store of this Kura: the folder <KURA_DATA_DIR>/store, or the S3 bucket KURA_STORE names.
export const store: BlobStore = processSingleton("store", () => {
  const root = path.join(env.KURA_DATA_DIR, "store");
  const compressionLevel = env.KURA_COMPRESSION_LEVEL;
  // Encrypted when KURA_STORE_KEY_FILE is set (or refused without it when the store is encrypted): see crypto/.
  const keyFile = env.KURA_STORE_KEY_FILE;
  if (env.KURA_STORE.kind === "file") return createBlobStore(root, { compressionLevel, keyFile });
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  // The SDK reads credentials (and the endpoint) from the AWS variables, ~/.aws/credentials and ~/.aws/config itself;
  // the region falls back to us-east-1, which S3-compatible stores accept.
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  return createS3BlobStore({
    bucket: env.KURA_STORE.bucket,
    prefix: env.KURA_STORE.prefix,
    root,
    compressionLevel,
    keyFile,
    client: { region, ...(endpoint ? { endpoint } : {}) },
  });
});
