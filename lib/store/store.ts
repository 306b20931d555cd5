import path from "node:path";
import { env } from "@/lib/env";
import { createBlobStore, type BlobStore } from "./blob-store";
import { processSingleton } from "@/lib/process-singleton";

// The one content-addressed store of this Kura, under <KURA_DATA_DIR>/store.
export const store: BlobStore = processSingleton("store", () =>
  createBlobStore(path.join(env.KURA_DATA_DIR, "store"), { compressionLevel: env.KURA_COMPRESSION_LEVEL }),
);
