import { describe, expect, it } from "vitest";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";
import { store } from "@/lib/store/store";
import { readKeptTexts } from "./read-kept-texts";

// The texts a restore reads from the store to rewrite references to mapped versioned paths: only UTF-8 text
// that names one of the paths, never a binary file, never a file larger than configuration is.

describe("readKeptTexts", () => {
  it("reads the kept text files that name a mapped path, and nothing else", async () => {
    const put = async (content: Buffer | string) => store.put(Buffer.from(content));
    const snippet = await put("PHPIniDir /etc/php/7.4/apache2\n");
    const other = await put("ServerName example.org\n");
    const binary = await put(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0x2f, ...Buffer.from("/etc/php/7.4/")]));
    const latin1 = await put(Buffer.from([0x2f, ...Buffer.from("etc/php/7.4/ caf"), 0xe9]));
    const manifest = makeManifest({
      entries: [
        makeEntry("/etc/apache2/conf-available/php.conf", "file", { sha256: snippet.sha256, size: snippet.size }),
        makeEntry("/etc/apache2/sites-available/site.conf", "file", { sha256: other.sha256, size: other.size }),
        makeEntry("/usr/local/bin/tool", "file", { sha256: binary.sha256, size: binary.size }),
        makeEntry("/etc/latin1.conf", "file", { sha256: latin1.sha256, size: latin1.size }),
        makeEntry("/srv/huge.sql", "file", { sha256: snippet.sha256, size: 2 * 1024 * 1024 }),
        makeEntry("/etc/php/7.4", "dir"),
      ],
    });
    expect(await readKeptTexts(manifest, ["/etc/php/7.4"])).toEqual({
      "/etc/apache2/conf-available/php.conf": "PHPIniDir /etc/php/7.4/apache2\n",
    });
    expect(await readKeptTexts(manifest, [])).toEqual({});
  });

  it("keeps the answer for the same manifest content and needles (issue 15), and reads again for another", async () => {
    const snippet = await store.put(Buffer.from("include /etc/postgresql/13/main/extra.conf\n"));
    const later = await store.put(Buffer.from("data_directory = '/var/lib/postgresql/13/main'\n"));
    const entries = [makeEntry("/etc/kura-cache-test/a.conf", "file", { sha256: snippet.sha256, size: snippet.size })];
    const first = await readKeptTexts(makeManifest({ entries }), ["/etc/postgresql/13", "/var/lib/postgresql/13"]);
    expect(first).toEqual({ "/etc/kura-cache-test/a.conf": "include /etc/postgresql/13/main/extra.conf\n" });
    // Another manifest object with the same content, the needles in another order: the kept answer itself.
    expect(await readKeptTexts(makeManifest({ entries: structuredClone(entries) }), ["/var/lib/postgresql/13", "/etc/postgresql/13"])).toBe(
      first,
    );
    // One more file: another manifest, read again.
    const more = [...entries, makeEntry("/etc/kura-cache-test/b.conf", "file", { sha256: later.sha256, size: later.size })];
    expect(
      Object.keys(await readKeptTexts(makeManifest({ entries: more }), ["/etc/postgresql/13", "/var/lib/postgresql/13"])).sort(),
    ).toEqual(["/etc/kura-cache-test/a.conf", "/etc/kura-cache-test/b.conf"]);
  });
});
