import { describe, expect, it } from "vitest";
import { parseStoreUrl } from "./parse-store-url";

describe("parseStoreUrl", () => {
  it("reads the bucket and a prefix that ends with a slash", () => {
    expect(parseStoreUrl("s3://kura-archives")).toEqual({ bucket: "kura-archives", prefix: "" });
    expect(parseStoreUrl("s3://kura-archives/")).toEqual({ bucket: "kura-archives", prefix: "" });
    expect(parseStoreUrl("s3://kura.archives/site-a/store")).toEqual({ bucket: "kura.archives", prefix: "site-a/store/" });
    expect(parseStoreUrl("s3://kura/a//b/")).toEqual({ bucket: "kura", prefix: "a/b/" });
  });

  it("refuses what S3 would refuse, and prefixes that climb out or need escaping", () => {
    for (const bad of ["kura", "s3://", "s3://ab", "s3://Kura", "s3://-kura", "s3://kura-", "s3://192.168.1.1", "s3://a..b"])
      expect(() => parseStoreUrl(bad), bad).toThrow();
    expect(() => parseStoreUrl("s3://kura/../other")).toThrow(/not allowed/);
    expect(() => parseStoreUrl("s3://kura/a b")).toThrow(/not allowed/);
    expect(() => parseStoreUrl("s3://kura/x?y")).toThrow(/not allowed/);
  });
});
