import { describe, expect, it } from "vitest";
import { keptStageFacts, rememberStageFacts, STAGE_FACTS_ENTRIES, stageFactsKey } from "./stage-facts-cache";
import type { PackageStageFacts } from "./types";

// Issue 15: a packages stage's facts are read from the engine once per image and kept for the few most recent images.

const facts = (imageId: string): PackageStageFacts => ({ imageId, packages: {}, files: {}, warnings: [] });

describe("rememberStageFacts", () => {
  it("reads an image once, and keeps only the most recently used images", async () => {
    const reads: string[] = [];
    const remember = (image: string) =>
      rememberStageFacts(stageFactsKey("engine-a", image, "archive-1"), async () => {
        reads.push(image);
        return facts(image);
      });
    const first = await remember("sha256:aaa");
    // The same image, with or without the "sha256:" prefix: not read again, the same facts.
    expect(await remember("aaa")).toBe(first);
    expect(reads).toEqual(["sha256:aaa"]);

    const more = Array.from({ length: STAGE_FACTS_ENTRIES }, (_, index) => `sha256:b${index}`);
    await remember("sha256:aaa"); // the most recent again before the others come
    for (const image of more) await remember(image);
    expect(keptStageFacts()).toBe(STAGE_FACTS_ENTRIES);
    // aaa was the least recently used when the fifth image came: read again; the newest are still kept.
    await remember("sha256:aaa");
    expect(reads.filter((image) => image === "sha256:aaa")).toHaveLength(2);
    await remember(more.at(-1)!);
    expect(reads.filter((image) => image === more.at(-1))).toHaveLength(1);
    expect(keptStageFacts()).toBe(STAGE_FACTS_ENTRIES);
  });

  it("keys by engine and reader too, and does not keep a failed read", async () => {
    let reads = 0;
    const read = async () => {
      reads += 1;
      return facts("sha256:ccc");
    };
    await rememberStageFacts(stageFactsKey("engine-a", "sha256:ccc", "archive-1"), read);
    await rememberStageFacts(stageFactsKey("engine-b", "sha256:ccc", "archive-1"), read);
    await rememberStageFacts(stageFactsKey("engine-a", "sha256:ccc", "archive-2"), read);
    expect(reads).toBe(3);

    const key = stageFactsKey("engine-a", "sha256:ddd", "archive-1");
    await expect(rememberStageFacts(key, () => Promise.reject(new Error("engine gone")))).rejects.toThrow("engine gone");
    expect(await rememberStageFacts(key, async () => facts("sha256:ddd"))).toEqual(facts("sha256:ddd"));
  });
});
