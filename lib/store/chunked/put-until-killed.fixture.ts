// Run by store-contract.int.test.ts in a process of its own: streams random bytes into a chunked store for ever, so
// the test can kill it (SIGKILL) mid-write and look at what is left. Argument: JSON of where the stores are.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { createBlobStore } from "@/lib/store/blob-store";
import { createS3BlobStore } from "@/lib/store/s3/create-s3-blob-store";
import { createChunkedBlobStore } from "@/lib/store/chunked/create-chunked-blob-store";
import { s3ClientConfig } from "@/e2e/support/s3";

type Place = { root: string; bucket?: string; prefix?: string };
const spec = JSON.parse(process.argv[2] ?? "{}") as { whole: Place; chunks: Place; thresholdBytes: number; keyFile?: string };
const open = (place: Place) =>
  place.bucket
    ? createS3BlobStore({
        bucket: place.bucket,
        prefix: place.prefix ?? "",
        root: place.root,
        client: s3ClientConfig(),
        keyFile: spec.keyFile,
      })
    : createBlobStore(place.root, { keyFile: spec.keyFile });
const store = createChunkedBlobStore(open(spec.whole), open(spec.chunks), { thresholdBytes: spec.thresholdBytes });
const source = new Readable({
  read() {
    setTimeout(() => this.push(randomBytes(256 * 1024)), 2);
  },
});
void store.put(source).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
