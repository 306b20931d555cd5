import { afterEach, describe, expect, it, vi } from "vitest";

// KURA_STORE: the folder by default, an S3 bucket when it says s3://, and a clear refusal at start otherwise.
const load = async (value: string | undefined) => {
  vi.resetModules();
  if (value === undefined) delete process.env.KURA_STORE;
  else process.env.KURA_STORE = value;
  return (await import("./env")).env;
};

describe("KURA_STORE", () => {
  const before = process.env.KURA_STORE;
  afterEach(() => {
    if (before === undefined) delete process.env.KURA_STORE;
    else process.env.KURA_STORE = before;
  });

  it("is the folder store unless it names a bucket", async () => {
    expect((await load(undefined)).KURA_STORE).toEqual({ kind: "file" });
    expect((await load("file")).KURA_STORE).toEqual({ kind: "file" });
    expect((await load("s3://kura-archives/site-a")).KURA_STORE).toEqual({ kind: "s3", bucket: "kura-archives", prefix: "site-a/" });
  });

  it("refuses a location it cannot use, saying why", async () => {
    await expect(load("s3://Kura/x")).rejects.toThrow(/Kura's settings are not valid: KURA_STORE: "Kura" is not a valid bucket name/);
    await expect(load("/srv/store")).rejects.toThrow(/KURA_STORE: .*not an object-store location/);
  });
});
