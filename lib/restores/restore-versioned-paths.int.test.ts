import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, exec, removeContainer, runContainer, TRIXIE, uniqueName } from "@/e2e/fixtures/containers";
import { makeEntry, makeManifest, readScriptsForTest } from "@/e2e/support/restore-fixtures";
import { writeBundle } from "@/lib/bundles/write-bundle";
import { buildImage } from "@/lib/docker/build-image";
import { getEngine } from "@/lib/engines/engine-registry";
import { env } from "@/lib/env";
import type { PackageStageFacts, StagePackage } from "@/lib/restores/package-stage/types";
import { planRestore, type RestorePlan } from "@/lib/restores/plan/plan-restore";
import { store } from "@/lib/store/store";
import { inspectBaseImage } from "./inspect-base-image";

// Issue 14, item 2, built for real: a Debian 11 PHP configuration (the admin's php.ini under /etc/php/7.4/,
// an Apache snippet naming that folder, a2enmod's link to php7.4.load) planned onto trixie with the packages
// stage's facts (trixie's real dpkg lists, fixtures/versioned-paths/php-trixie), written as the restore's build
// context and built on debian:trixie with libapache2-mod-php: PHP 8.4 reads the admin's memory_limit from
// /etc/php/8.4/apache2/php.ini, the snippet names the new folder, and the module link points at PHP 8.4's module.

const FIXTURES = path.join(process.cwd(), "lib", "restores", "plan", "fixtures", "versioned-paths", "php-trixie");
const PHP_INI = "[PHP]\nengine = On\nmemory_limit = 256M\n";
const SNIPPET = "<IfModule mod_php.c>\n  PHPIniDir /etc/php/7.4/apache2\n</IfModule>\n";
const container = uniqueName("kura-it-vpaths");
const tag = `kura-restore/${container}:test`;
let plan: RestorePlan;

function trixieStage(): PackageStageFacts {
  const packages: Record<string, StagePackage> = {};
  const lists = new Set(readdirSync(FIXTURES).filter((name) => name.endsWith(".list")));
  for (const line of readFileSync(path.join(FIXTURES, "packages.txt"), "utf8").split("\n")) {
    const [name, version] = line.split(" ");
    if (!name || !version) continue;
    const files = lists.has(`${name}.list`)
      ? readFileSync(path.join(FIXTURES, `${name}.list`), "utf8")
          .split("\n")
          .filter(Boolean)
      : [];
    packages[name] = { name, version, conffiles: [], files, maintscripts: {}, news: null };
  }
  return { imageId: "sha256:fixture", packages, files: {} };
}

describe("versioned paths follow their package in a real build", () => {
  beforeAll(async () => {
    const ini = await store.put(Buffer.from(PHP_INI));
    const snippet = await store.put(Buffer.from(SNIPPET));
    const manifest = makeManifest({
      config: { ...makeManifest().config, cmd: ["sleep", "infinity"], exposedPorts: [] },
      packages: [
        { name: "libapache2-mod-php", version: "2:7.4+76", architecture: "amd64", manual: true },
        { name: "libapache2-mod-php7.4", version: "7.4.33-1+deb11u5", architecture: "amd64", manual: false },
        { name: "php7.4-common", version: "7.4.33-1+deb11u5", architecture: "amd64", manual: false },
      ],
      entries: [
        makeEntry("/etc/php/7.4", "dir"),
        makeEntry("/etc/php/7.4/apache2", "dir"),
        makeEntry("/etc/php/7.4/apache2/php.ini", "file", { sha256: ini.sha256, size: ini.size, mode: 0o640, gid: 33, group: "www-data" }),
        makeEntry("/etc/apache2/conf-available/kura-php.conf", "file", { sha256: snippet.sha256, size: snippet.size }),
        makeEntry("/etc/apache2/mods-enabled/php7.4.load", "symlink", { linkTarget: "../mods-available/php7.4.load" }),
      ],
    });
    const engine = await getEngine("local");
    const base = await inspectBaseImage(engine, TRIXIE);
    plan = planRestore({
      manifest,
      archivedAccounts: {},
      target: {
        baseImage: TRIXIE,
        baseOs: base.os,
        baseInstalledPackages: base.installedPackages,
        baseHasDpkg: base.hasDpkg,
        baseAccounts: base.accounts,
        availablePackages: null,
      },
      migrationRules: [],
      scripts: readScriptsForTest(),
      stage: trixieStage(),
      keptTexts: { "/etc/apache2/conf-available/kura-php.conf": SNIPPET },
    });
    const context = writeBundle(
      {
        manifestJson: Buffer.from(JSON.stringify(manifest)),
        manifest,
        dockerfile: plan.dockerfile,
        readme: "",
        contextFiles: plan.contextFiles.filter((file) => file.path !== "Dockerfile"),
        payloadEntries: plan.payloadEntries,
        accountFiles: plan.accountFiles,
        payloadContent: plan.payloadContent,
      },
      store,
      { gzip: false, allContent: false },
    );
    // The apt-get install needs the build network (as the restore's packages stage does).
    const { imageId } = await buildImage(engine, context, {
      tag,
      networkMode: env.KURA_BUILD_NETWORK ?? "host",
      labels: { "kura.test": "1" },
    });
    runContainer({ name: container, image: imageId });
  }, 900_000);

  afterAll(() => {
    removeContainer(container);
    try {
      docker(["rmi", "-f", tag]);
    } catch {
      // already gone
    }
  });

  it("the plan shows the mapping, with php8.4's own file list as evidence, and the line rewritten", () => {
    expect(plan.pathMappings?.mappings.map((mapping) => `${mapping.from} -> ${mapping.to}`)).toEqual(
      expect.arrayContaining([
        "/etc/php/7.4 -> /etc/php/8.4",
        "/etc/apache2/mods-enabled/php7.4.load -> /etc/apache2/mods-enabled/php8.4.load",
      ]),
    );
    expect(plan.pathMappings?.rewrites).toEqual([
      {
        path: "/etc/apache2/conf-available/kura-php.conf",
        lines: [{ line: 2, before: "  PHPIniDir /etc/php/7.4/apache2", after: "  PHPIniDir /etc/php/8.4/apache2" }],
      },
    ]);
  });

  it("PHP 8.4 reads the admin's memory_limit from its own folder, with the archived owner and mode", () => {
    expect(exec(container, ["php", "-c", "/etc/php/8.4/apache2/php.ini", "-r", 'echo ini_get("memory_limit");'])).toBe("256M");
    expect(exec(container, ["stat", "-c", "%a %G", "/etc/php/8.4/apache2/php.ini"])).toBe("640 www-data");
    expect(exec(container, ["sh", "-c", "test -e /etc/php/7.4 && echo present || echo absent"])).toBe("absent");
  });

  it("the snippet names PHP 8.4's folder and the module link points at PHP 8.4's module", () => {
    expect(exec(container, ["cat", "/etc/apache2/conf-available/kura-php.conf"])).toBe(
      SNIPPET.replace("/etc/php/7.4/", "/etc/php/8.4/").trim(),
    );
    expect(exec(container, ["readlink", "/etc/apache2/mods-enabled/php8.4.load"])).toBe("../mods-available/php8.4.load");
    expect(exec(container, ["sh", "-c", "test -f /etc/apache2/mods-enabled/php8.4.load && echo module"])).toBe("module");
    expect(exec(container, ["sh", "-c", "ls /etc/apache2/mods-enabled | grep -c 7.4 || true"])).toBe("0");
  });
});
