import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, vi } from "vitest";

// The store folder of a Kura of its own, encrypted, set before lib/env.ts is read (this file runs in a process of its own).
const dataDir = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports, so it imports what it needs itself.
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "kura-it-encrypted-data-"));
  writeFileSync(join(dir, "store.key"), "an integration passphrase 81f2\n", { mode: 0o600 });
  process.env.KURA_DATA_DIR = dir;
  process.env.KURA_STORE = "file";
  process.env.KURA_STORE_KEY_FILE = join(dir, "store.key");
  return dir;
});

import { listFiles } from "@/e2e/support/test-files";
import { describeEncryptedArchive } from "./crypto/encrypted-archive-life";

// Issue 16 on the filesystem store: <KURA_DATA_DIR>/store encrypted with KURA_STORE_KEY_FILE, a real container
// archived, every file of the store folder searched, the archive verified and restored.

const root = path.join(dataDir, "store");
afterAll(() => rm(dataDir, { recursive: true, force: true }));
describeEncryptedArchive({
  label: "store folder",
  restore: true,
  async listStored() {
    const names = await listFiles(root);
    return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(root, name)) })));
  },
});
