import { describe, expect, it } from "vitest";
import { createSharedLock } from "./shared-lock";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the chunked store's shared/exclusive lock", () => {
  it("lets shared holders run together; an exclusive one waits until all have released", async () => {
    const lock = createSharedLock();
    const first = await lock.shared();
    const second = await lock.shared();
    let exclusiveHeld = false;
    const exclusive = lock.exclusive().then((release) => {
      exclusiveHeld = true;
      return release;
    });
    await tick();
    expect(exclusiveHeld).toBe(false);
    first();
    await tick();
    expect(exclusiveHeld).toBe(false);
    second();
    await tick();
    expect(exclusiveHeld).toBe(true);
    (await exclusive)();
  });

  it("a shared holder is never kept waiting by a queued exclusive one (an archive awaits all its puts at the end)", async () => {
    const lock = createSharedLock();
    const held = await lock.shared();
    let exclusiveHeld = false;
    const exclusive = lock.exclusive().then((release) => {
      exclusiveHeld = true;
      return release;
    });
    // Would deadlock if shared waited for the queued exclusive while `held` waits for it.
    const another = await lock.shared();
    expect(exclusiveHeld).toBe(false);
    another();
    held();
    await tick();
    expect(exclusiveHeld).toBe(true);
    let sharedAfter = false;
    const later = lock.shared().then((release) => {
      sharedAfter = true;
      return release;
    });
    await tick();
    expect(sharedAfter).toBe(false); // while the exclusive one holds it
    (await exclusive)();
    (await later)();
    expect(sharedAfter).toBe(true);
  });

  it("a release called twice releases once", async () => {
    const lock = createSharedLock();
    const release = await lock.shared();
    const other = await lock.shared();
    release();
    release();
    let exclusiveHeld = false;
    void lock.exclusive().then(() => (exclusiveHeld = true));
    await tick();
    expect(exclusiveHeld).toBe(false); // `other` still holds it
    other();
    await tick();
    expect(exclusiveHeld).toBe(true);
  });
});
