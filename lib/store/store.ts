import path from "node:path";
import { env } from "@/lib/env";
import { createBlobStore, type BlobStore } from "./blob-store";

// The one content-addressed store of this Kura, under <KURA_DATA_DIR>/store.
const globalForStore = globalThis as unknown as { kuraStore?: BlobStore };
export const store: BlobStore = (globalForStore.kuraStore ??= createBlobStore(path.join(env.KURA_DATA_DIR, "store"), { compressionLevel: env.KURA_COMPRESSION_LEVEL }));
