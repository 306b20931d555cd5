import { describeArchiveInChunks } from "./archive-in-chunks.shared";

// The store in its folder (KURA_STORE unset), chunking at the default threshold.
describeArchiveInChunks("the folder store");
