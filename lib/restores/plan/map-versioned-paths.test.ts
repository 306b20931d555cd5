import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "@/lib/archives/manifest";
import type { PackageStageFacts, StagePackage } from "@/lib/restores/package-stage/types";
import { mapRestoredPath, mapVersionedPaths, versionedPathNeedles } from "@/lib/restores/plan/map-versioned-paths";
import { makeEntry, makeManifest } from "@/e2e/support/restore-fixtures";

// Real dpkg file lists from images built FROM debian:bullseye and FROM debian:trixie (fixtures/versioned-paths/README.md).
const FIXTURES = path.join(import.meta.dirname, "fixtures", "versioned-paths");

function readVersions(folder: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of readFileSync(path.join(FIXTURES, folder, "packages.txt"), "utf8").split("\n")) {
    const [name, version] = line.split(" ");
    if (name && version) versions[name] = version;
  }
  return versions;
}

function readLists(folder: string): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const file of readdirSync(path.join(FIXTURES, folder)).filter((name) => name.endsWith(".list")))
    lists[file.slice(0, -".list".length)] = readFileSync(path.join(FIXTURES, folder, file), "utf8")
      .split("\n")
      .filter(Boolean);
  return lists;
}

function readConffiles(folder: string, name: string): StagePackage["conffiles"] {
  const file = path.join(FIXTURES, folder, `${name}.conffiles`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((conffile) => ({ path: conffile, md5: "", obsolete: false, removeOnUpgrade: false }));
}

/** The packages stage of a trixie image, with the file lists and conffiles the fixtures hold (others: none). */
function stageOf(...folders: string[]): Pick<PackageStageFacts, "packages"> {
  const packages: Record<string, StagePackage> = {};
  for (const folder of folders) {
    const lists = readLists(folder);
    for (const [name, version] of Object.entries(readVersions(folder)))
      if (lists[name] || !packages[name])
        packages[name] = { name, version, conffiles: readConffiles(folder, name), files: lists[name] ?? [], maintscripts: {}, news: null };
  }
  return { packages };
}

function archivedPackages(folder: string): Manifest["packages"] {
  return Object.entries(readVersions(folder)).map(([name, version]) => ({ name, version, architecture: "amd64", manual: false }));
}

const vhost = [
  "<VirtualHost *:80>",
  "  DocumentRoot /var/www/html",
  "  PHPIniDir /etc/php/7.4/apache2",
  "  php_admin_value include_path /etc/php/7.4/lib:/usr/share/php",
  "  # /etc/php/7.40 is another path",
  "</VirtualHost>",
  "",
].join("\n");

function phpManifest(): Manifest {
  return makeManifest({
    packages: archivedPackages("php-bullseye"),
    entries: [
      makeEntry("/etc/php/7.4", "dir"),
      makeEntry("/etc/php/7.4/apache2", "dir"),
      makeEntry("/etc/php/7.4/apache2/php.ini", "file", { size: 72_000 }),
      makeEntry("/etc/php/7.4/apache2/conf.d/20-json.ini", "symlink", { linkTarget: "/etc/php/7.4/mods-available/json.ini" }),
      makeEntry("/etc/php/7.4/mods-available/local.ini", "file"),
      makeEntry("/etc/apache2/mods-enabled/php7.4.load", "symlink", { linkTarget: "../mods-available/php7.4.load" }),
      makeEntry("/etc/apache2/mods-enabled/php7.4.conf", "symlink", { linkTarget: "../mods-available/php7.4.conf" }),
      makeEntry("/etc/apache2/sites-available/site.conf", "file"),
      makeEntry("/var/www/html/index.php", "file"),
      makeEntry("/srv/app-7.4/readme.txt", "file"),
    ],
  });
}

describe("mapVersionedPaths", () => {
  it("maps PHP 7.4's folder to 8.4's, with the package pair and the evidence from php8.4's own file list", () => {
    const result = mapVersionedPaths({ manifest: phpManifest(), stage: stageOf("php-trixie") });
    const etc = result.mappings.find((mapping) => mapping.from === "/etc/php/7.4");
    expect(etc).toMatchObject({ to: "/etc/php/8.4", fromVersion: "7.4", toVersion: "8.4", entries: 5 });
    expect(etc?.fromPackage).toMatch(/^(php7\.4-|libapache2-mod-php7\.4)/);
    expect(etc?.toPackage).toBe(etc?.fromPackage.replace("7.4", "8.4"));
    expect(etc?.evidence).toContain("owns /etc/php/8.4");
    const paths = result.manifest.entries.map((entry) => entry.path);
    expect(paths).toContain("/etc/php/8.4/apache2/php.ini");
    expect(paths).toContain("/etc/php/8.4/mods-available/local.ini");
    expect(paths.some((entryPath) => entryPath.startsWith("/etc/php/7.4"))).toBe(false);
    // Nothing the successor does not own moves: the site, the web root, an unrelated "7.4".
    expect(paths).toEqual(
      expect.arrayContaining(["/etc/apache2/sites-available/site.conf", "/var/www/html/index.php", "/srv/app-7.4/readme.txt"]),
    );
    // A link into the mapped folder follows it.
    expect(result.manifest.entries.find((entry) => entry.path === "/etc/php/8.4/apache2/conf.d/20-json.ini")?.linkTarget).toBe(
      "/etc/php/8.4/mods-available/json.ini",
    );
  });

  it("moves a2enmod's links to the module libapache2-mod-php8.4 ships (their targets are its files)", () => {
    const result = mapVersionedPaths({ manifest: phpManifest(), stage: stageOf("php-trixie") });
    const load = result.manifest.entries.find((entry) => entry.path === "/etc/apache2/mods-enabled/php8.4.load");
    expect(load?.linkTarget).toBe("../mods-available/php8.4.load");
    expect(result.manifest.entries.find((entry) => entry.path === "/etc/apache2/mods-enabled/php8.4.conf")?.linkTarget).toBe(
      "../mods-available/php8.4.conf",
    );
    const mapping = result.mappings.find((item) => item.from === "/etc/apache2/mods-enabled/php7.4.load");
    expect(mapping).toMatchObject({ to: "/etc/apache2/mods-enabled/php8.4.load", toPackage: "libapache2-mod-php8.4" });
    expect(mapping?.evidence).toContain("/etc/apache2/mods-available/php8.4.load");
  });

  it("rewrites references to a mapped path in kept texts, listing the lines changed", () => {
    const texts = {
      "/etc/apache2/sites-available/site.conf": vhost,
      "/etc/php/7.4/mods-available/local.ini": "; see /etc/php/7.4/apache2/php.ini\n",
    };
    const result = mapVersionedPaths({ manifest: phpManifest(), stage: stageOf("php-trixie"), texts });
    const site = result.rewrites.find((rewrite) => rewrite.path === "/etc/apache2/sites-available/site.conf");
    expect(site?.lines).toEqual([
      { line: 3, before: "  PHPIniDir /etc/php/7.4/apache2", after: "  PHPIniDir /etc/php/8.4/apache2" },
      {
        line: 4,
        before: "  php_admin_value include_path /etc/php/7.4/lib:/usr/share/php",
        after: "  php_admin_value include_path /etc/php/8.4/lib:/usr/share/php",
      },
    ]);
    const content = result.payloadContent.find((item) => item.path === "/etc/apache2/sites-available/site.conf")?.content;
    expect(content).toBe(vhost.replaceAll("/etc/php/7.4/", "/etc/php/8.4/"));
    expect(content).toContain("/etc/php/7.40 is another path");
    // A rewritten file inside a mapped folder is written at its new path.
    expect(result.payloadContent.map((item) => item.path)).toContain("/etc/php/8.4/mods-available/local.ini");
  });

  it("maps Python 3.9's library folder to 3.13's, which libpython3.13-minimal owns", () => {
    const manifest = makeManifest({
      packages: archivedPackages("py-bullseye"),
      entries: [makeEntry("/usr/lib/python3.9/sitecustomize.py", "file"), makeEntry("/usr/lib/python3/dist-packages/app.py", "file")],
    });
    const result = mapVersionedPaths({ manifest, stage: stageOf("py-trixie") });
    expect(result.mappings).toEqual([
      expect.objectContaining({
        from: "/usr/lib/python3.9",
        to: "/usr/lib/python3.13",
        fromPackage: "libpython3.9-minimal",
        toPackage: "libpython3.13-minimal",
      }),
    ]);
    expect(result.manifest.entries.map((entry) => entry.path)).toEqual([
      "/usr/lib/python3.13/sitecustomize.py",
      "/usr/lib/python3/dist-packages/app.py",
    ]);
  });

  it("never puts an archived file over a plain file of the successor (a program, a library)", () => {
    const manifest = makeManifest({
      packages: archivedPackages("php-bullseye"),
      entries: [makeEntry("/usr/lib/apache2/modules/libphp7.4.so", "file")],
    });
    const result = mapVersionedPaths({ manifest, stage: stageOf("php-trixie") });
    expect(result.mappings).toEqual([]);
    expect(result.manifest).toBe(manifest);
  });

  it("keeps both as archived when the archive holds the new path too", () => {
    const manifest = makeManifest({
      packages: archivedPackages("php-bullseye"),
      entries: [makeEntry("/etc/php/7.4/apache2/php.ini", "file"), makeEntry("/etc/php/8.4/apache2/php.ini", "file")],
    });
    const result = mapVersionedPaths({ manifest, stage: stageOf("php-trixie") });
    expect(result.manifest.entries.map((entry) => entry.path)).toEqual(["/etc/php/7.4/apache2/php.ini", "/etc/php/8.4/apache2/php.ini"]);
    expect(result.warnings[0]?.message).toContain("the archive holds that path too");
  });

  it("maps nothing without a versioned successor (the same release, or no such family)", () => {
    const same = mapVersionedPaths({ manifest: phpManifest(), stage: stageOf("php-bullseye") });
    expect(same.mappings).toEqual([]);
    const other = mapVersionedPaths({ manifest: phpManifest(), stage: stageOf("py-trixie") });
    expect(other.mappings).toEqual([]);
  });
});

describe("mapVersionedPaths with PHP-FPM", () => {
  // Debian 11's own /etc/apache2/conf-available/php7.4-fpm.conf (kept because the admin edited it) and an nginx site.
  const apacheConf = readFileSync(path.join(FIXTURES, "fpm-bullseye", "php7.4-fpm.conf"), "utf8");
  const nginxSite = "location ~ \\.php$ {\n  fastcgi_pass unix:/run/php/php7.4-fpm.sock;\n}\n";
  const manifest = makeManifest({
    packages: archivedPackages("fpm-bullseye"),
    entries: [
      makeEntry("/etc/apache2/conf-available/php7.4-fpm.conf", "file"),
      makeEntry("/etc/nginx/sites-available/default", "file"),
      makeEntry("/etc/php/7.4/fpm/pool.d/www.conf", "file"),
    ],
  });
  const texts = { "/etc/apache2/conf-available/php7.4-fpm.conf": apacheConf, "/etc/nginx/sites-available/default": nginxSite };
  const result = mapVersionedPaths({ manifest, stage: stageOf("php-trixie", "fpm-trixie"), texts });

  it("moves the edited Apache snippet onto the conffile php8.4-fpm ships, and the pool under PHP 8.4's folder", () => {
    const paths = result.manifest.entries.map((entry) => entry.path);
    expect(paths).toEqual([
      "/etc/apache2/conf-available/php8.4-fpm.conf",
      "/etc/nginx/sites-available/default",
      "/etc/php/8.4/fpm/pool.d/www.conf",
    ]);
    expect(result.mappings.find((mapping) => mapping.from === "/etc/apache2/conf-available/php7.4-fpm.conf")).toMatchObject({
      toPackage: "php8.4-fpm",
      evidence: "php8.4-fpm (successor of php7.4-fpm) owns /etc/apache2/conf-available/php8.4-fpm.conf",
    });
  });

  it("points the socket PHP-FPM is named after at the new FPM's, in the snippet and in the nginx site", () => {
    const socket = result.mappings.find((mapping) => mapping.from === "/run/php/php7.4-fpm.sock");
    expect(socket).toMatchObject({ to: "/run/php/php8.4-fpm.sock", fromPackage: "php7.4-fpm", toPackage: "php8.4-fpm", entries: 0 });
    const apache = result.rewrites.find((rewrite) => rewrite.path === "/etc/apache2/conf-available/php8.4-fpm.conf");
    expect(apache?.lines.map((line) => line.line)).toEqual([10, 18]);
    expect(apache?.lines[0]?.after).toBe('        SetHandler "proxy:unix:/run/php/php8.4-fpm.sock|fcgi://localhost"');
    const nginx = result.payloadContent.find((item) => item.path === "/etc/nginx/sites-available/default");
    expect(nginx?.content).toBe(nginxSite.replace("php7.4-fpm.sock", "php8.4-fpm.sock"));
  });
});

describe("versionedPathNeedles", () => {
  it("asks for texts naming a mapped path or a versioned package's runtime file, nothing without a successor", () => {
    const manifest = makeManifest({ packages: archivedPackages("fpm-bullseye"), entries: [makeEntry("/etc/php/7.4/fpm/php.ini", "file")] });
    const needles = versionedPathNeedles({ manifest, stage: stageOf("php-trixie", "fpm-trixie") });
    expect(needles).toEqual(expect.arrayContaining(["/etc/php/7.4", "/php7.4-fpm"]));
    expect(versionedPathNeedles({ manifest, stage: stageOf("py-trixie") })).toEqual([]);
  });
});

describe("mapRestoredPath", () => {
  it("applies the longest mapping", () => {
    const mappings = [
      { from: "/etc/php/7.4", to: "/etc/php/8.4" },
      { from: "/etc/php/7.4/x", to: "/elsewhere" },
    ];
    expect(mapRestoredPath("/etc/php/7.4/apache2/php.ini", mappings)).toBe("/etc/php/8.4/apache2/php.ini");
    expect(mapRestoredPath("/etc/php/7.4/x/y", mappings)).toBe("/elsewhere/y");
    expect(mapRestoredPath("/etc/php/7.40", mappings)).toBe("/etc/php/7.40");
  });
});
