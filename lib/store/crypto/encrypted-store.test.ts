import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorToResponse } from "@/lib/api/errors";
import { listFiles, readAll } from "@/e2e/support/test-files";
import { createBlobStore } from "../blob-store";

// The filesystem store with KURA_STORE_KEY_FILE (issue 16), on a real folder: nothing of a content nor of its hash
// is readable in the store, the key record is made once, and a store opened with the wrong key, without a key, or
// an unencrypted store given a key, is refused with a sentence a person can act on.

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const MARKER = "kura-secret-marker-5d1e";

let dir = "";
let keyFile = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kura-encrypted-store-"));
  keyFile = path.join(dir, "store.key");
  await writeFile(keyFile, "correct horse battery staple\n", { mode: 0o600 });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every byte of every file under `root`, so a grep for the marker covers blobs, keys, tmp and all. */
async function holdsText(root: string, text: string): Promise<boolean> {
  for (const file of await listFiles(root)) if ((await readFile(path.join(root, file))).includes(text)) return true;
  return false;
}

async function refusal(attempt: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const failure = await attempt.then(
    () => expect.fail("the store was used with the wrong key"),
    (error: unknown) => error,
  );
  const response = errorToResponse(failure);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.message).not.toMatch(/\n\s+at /);
  return { status: response.status, ...body.error };
}

describe("an encrypted filesystem store", () => {
  it("keeps no plaintext and no plaintext hash, yet gives every content back and deduplicates", async () => {
    const root = path.join(dir, "store");
    const store = createBlobStore(root, { keyFile });
    expect(await store.cleanTemporary()).toBe(0); // start-up: makes the key record
    expect(await store.encryption()).toBe("encrypted");
    const record = JSON.parse(await readFile(path.join(root, "keys", "repository.json"), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({ format: "kura-store-key", version: 1, kdf: { name: "scrypt" } });

    const text = Buffer.from(`${MARKER} customer ledger\n`.repeat(2000)); // compresses: gzip alone would hide it, so also:
    const plain = Buffer.from(`${MARKER}`); // short, stored as is by gzip
    const streamed = await store.put(Readable.from([text]));
    const whole = await store.put(Buffer.from(plain)); // the worker threads' path
    const file = path.join(dir, "file.txt");
    await writeFile(file, `${MARKER} from a file\n`);
    const fromFile = await store.putFile(file, { maxBytes: 1024 });
    expect(fromFile).toMatchObject({ sha256: sha(`${MARKER} from a file\n`), isNew: true });
    expect(streamed).toMatchObject({ sha256: sha(text), isNew: true });
    expect(await store.put(Buffer.from(text))).toMatchObject({ sha256: sha(text), isNew: false }); // dedup across both paths
    expect(await store.put(Readable.from([plain]))).toMatchObject({ sha256: sha(plain), isNew: false });

    expect(await readAll(store.open(sha(text)))).toEqual(text);
    expect(await readAll(store.open(whole.sha256))).toEqual(plain);
    expect(await store.verify(sha(text))).toEqual({ ok: true, actual: sha(text) });
    const blobs = await listFiles(path.join(root, "blobs"));
    expect(blobs).toHaveLength(3);
    for (const name of blobs) expect(name).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}\.enc$/);
    for (const id of [sha(text), sha(plain), fromFile && "sha256" in fromFile ? fromFile.sha256 : ""])
      expect(blobs.join("\n")).not.toContain(id);
    expect(await holdsText(root, MARKER)).toBe(false);
    expect(await store.totalStoredBytes()).toBeGreaterThan(0);
  });

  it("verify finds a flipped byte and a cut blob; quarantine moves it aside", async () => {
    const store = createBlobStore(path.join(dir, "store"), { keyFile });
    const content = Buffer.from(`${MARKER}\n`.repeat(30_000));
    const { sha256 } = await store.put(Readable.from([content]));
    const file = path.join(store.root, await store.objectName(sha256));
    const sealed = await readFile(file);
    sealed[100] = (sealed[100] ?? 0) ^ 0x01;
    await writeFile(file, sealed);
    expect(await store.verify(sha256)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/damaged: frame 1.* fails authentication/),
    });
    await expect(readAll(store.open(sha256))).rejects.toMatchObject({ code: "ERR_KURA_BLOB_SEALED_DAMAGED" });
    sealed[100] = (sealed[100] ?? 0) ^ 0x01;
    await writeFile(file, sealed);
    expect(await store.verify(sha256)).toMatchObject({ ok: true });
    await truncate(file, sealed.length - 30);
    expect(await store.verify(sha256)).toMatchObject({ ok: false, error: expect.stringMatching(/damaged: .*cut short/) });
    expect(await store.quarantine(sha256)).toBe(true);
    expect(await readdir(path.join(store.root, "damaged"))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.enc\.\d+$/)]);
  });

  it("refuses the wrong key file, a missing one, and an unreadable one, with a clear 503", async () => {
    const root = path.join(dir, "store");
    const first = createBlobStore(root, { keyFile });
    const { sha256 } = await first.put(Buffer.from("archived before the restart"));

    // The same key file again (another process, a restart): readable.
    const again = createBlobStore(root, { keyFile });
    expect((await readAll(again.open(sha256))).toString()).toBe("archived before the restart");

    const wrongFile = path.join(dir, "wrong.key");
    await writeFile(wrongFile, "not the passphrase at all\n");
    const wrong = createBlobStore(root, { keyFile: wrongFile });
    const refused = await refusal(wrong.cleanTemporary());
    expect(refused).toMatchObject({ status: 503, code: "store_key_wrong" });
    expect(refused.message).toMatch(/does not unlock the encrypted archive store .* not the key file the store was created with/);
    expect(await refusal(readAll(wrong.open(sha256)))).toMatchObject({ code: "store_key_wrong" });
    expect(await refusal(wrong.put(Buffer.from("x")))).toMatchObject({ code: "store_key_wrong" });
    expect(await refusal(wrong.verify(sha256))).toMatchObject({ code: "store_key_wrong" });

    const none = createBlobStore(root);
    const required = await refusal(none.has(sha256));
    expect(required).toMatchObject({ status: 503, code: "store_key_required" });
    expect(required.message).toMatch(/is encrypted, and KURA_STORE_KEY_FILE is not set/);

    const missing = createBlobStore(root, { keyFile: path.join(dir, "nowhere.key") });
    expect(await refusal(missing.encryption())).toMatchObject({ status: 503, code: "store_key_file_unreadable" });
    const short = path.join(dir, "short.key");
    await writeFile(short, "abc\n");
    expect(await refusal(createBlobStore(root, { keyFile: short }).encryption())).toMatchObject({
      code: "store_key_file_unreadable",
      message: expect.stringMatching(/at least 8/),
    });
  });

  it("an unencrypted store stays so: readable without a key, refused (not half-encrypted) with one", async () => {
    const root = path.join(dir, "plain");
    const plain = createBlobStore(root);
    const { sha256 } = await plain.put(Buffer.from(`${MARKER} unencrypted`));
    expect(await plain.encryption()).toBe("unencrypted");
    expect(await listFiles(path.join(root, "blobs"))).toEqual([`${sha256.slice(0, 2)}/${sha256}.gz`]);
    const withKey = createBlobStore(root, { keyFile });
    const refused = await refusal(withKey.put(Buffer.from("new")));
    expect(refused).toMatchObject({ status: 503, code: "store_not_encrypted" });
    expect(refused.message).toMatch(/already holds unencrypted archives/);
    expect(await listFiles(root)).toEqual([`blobs/${sha256.slice(0, 2)}/${sha256}.gz`]); // no key record was made
    expect((await readAll(createBlobStore(root).open(sha256))).toString()).toBe(`${MARKER} unencrypted`);
  });
});
