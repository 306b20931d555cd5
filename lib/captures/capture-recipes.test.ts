import { describe, expect, it } from "vitest";
import { captureSchema } from "@/lib/archives/manifest";
import { BUILTIN_CAPTURE_RECIPES } from "./builtin-capture-recipes";
import { captureRecipeInputSchema, captureRecipeSchema } from "./capture-recipe-schema";
import { captureFileName, matchCaptureRecipes, readConfigValue, recipeMatches } from "./match-capture-recipes";

const recipe = (id: string) => BUILTIN_CAPTURE_RECIPES.find((candidate) => candidate.id === id)!;
const pkg = (name: string, version = "1") => ({ name, version });

describe("capture recipe schema", () => {
  it("ships the four built-in recipes, valid against the schema", () => {
    expect(BUILTIN_CAPTURE_RECIPES.map((item) => item.id)).toEqual(["postgresql-dumpall", "mariadb-dump", "slapcat", "redis-save"]);
    for (const item of BUILTIN_CAPTURE_RECIPES) expect(captureRecipeSchema.safeParse(item).success).toBe(true);
    expect(recipe("postgresql-dumpall")).toMatchObject({ user: "postgres", format: "sql", argv: ["pg_dumpall", "--clean", "--if-exists"] });
    expect(recipe("mariadb-dump").argv).toEqual(
      expect.arrayContaining(["--all-databases", "--routines", "--events", "--single-transaction"]),
    );
    expect(recipe("redis-save")).toMatchObject({ format: "none", env: [{ name: "REDISCLI_AUTH", key: "requirepass" }] });
  });

  it("fills defaults and refuses what cannot run safely", () => {
    const minimal = captureRecipeInputSchema.parse({
      id: "my-dump",
      service: "Mine",
      packages: "^mine$",
      argv: ["mine-dump"],
      format: "sql",
    });
    expect(minimal).toMatchObject({ user: "root", versionArgv: null, eachArgv: null, env: [], timeoutSeconds: 600, note: "" });
    const bad = (patch: Record<string, unknown>) =>
      captureRecipeInputSchema.safeParse({ id: "x1", service: "S", packages: "^s$", argv: ["s"], format: "sql", ...patch }).success;
    expect(bad({ id: "Bad Id" })).toBe(false);
    expect(bad({ packages: "(" })).toBe(false);
    expect(bad({ argv: [] })).toBe(false);
    expect(bad({ argv: [""] })).toBe(false);
    expect(bad({ argv: ["a\0b"] })).toBe(false);
    expect(bad({ user: "root; rm -rf /" })).toBe(false);
    expect(bad({ format: "tar" })).toBe(false);
    expect(bad({ eachArgv: ["list"] })).toBe(false); // run per item, but argv never names {item}
    expect(bad({ env: [{ name: "PASS", file: "../etc/x", key: "k" }] })).toBe(false);
    expect(bad({ env: [{ name: "lower", file: "/etc/x", key: "k" }] })).toBe(false);
    expect(bad({ timeoutSeconds: 0 })).toBe(false);
    expect(bad({ expectOutput: "[" })).toBe(false);
    expect(bad({ user: "1000" })).toBe(true);
  });
});

describe("matching recipes to packages", () => {
  it("matches whole package names only", () => {
    expect(recipeMatches(recipe("postgresql-dumpall"), "postgresql-13")).toBe(true);
    expect(recipeMatches(recipe("postgresql-dumpall"), "postgresql-client-13")).toBe(false);
    expect(recipeMatches(recipe("postgresql-dumpall"), "postgresql-13-postgis")).toBe(false);
    expect(recipeMatches({ packages: "redis" }, "redis-server")).toBe(false);
    expect(recipeMatches({ packages: "(" }, "x")).toBe(false);
  });

  it("runs each recipe once, for the most specific package, and a static site gets none", () => {
    const packages = [
      pkg("mariadb-server", "1:10.5.23"),
      pkg("mariadb-server-10.5", "1:10.5.23"),
      pkg("postgresql-13", "13.16"),
      pkg("slapd"),
    ];
    const matched = matchCaptureRecipes(BUILTIN_CAPTURE_RECIPES, packages);
    expect(matched.map((match) => [match.recipe.id, match.package.name])).toEqual([
      ["postgresql-dumpall", "postgresql-13"],
      ["mariadb-dump", "mariadb-server-10.5"],
      ["slapcat", "slapd"],
    ]);
    expect(matchCaptureRecipes(BUILTIN_CAPTURE_RECIPES, [pkg("nginx"), pkg("php8.2-fpm")])).toEqual([]);
    expect(matchCaptureRecipes(BUILTIN_CAPTURE_RECIPES, [pkg("mysql-server-8.0")]).map((match) => match.recipe.id)).toEqual([
      "mariadb-dump",
    ]);
    const disabled = BUILTIN_CAPTURE_RECIPES.map((item) => ({ ...item, enabled: false }));
    expect(matchCaptureRecipes(disabled, packages)).toEqual([]);
  });

  it("names outputs captures/<recipe>[-item].<format>, none for format none", () => {
    expect(captureFileName(recipe("postgresql-dumpall"), null)).toBe("postgresql-dumpall.sql");
    expect(captureFileName(recipe("slapcat"), "1")).toBe("slapcat-1.ldif");
    expect(captureFileName(recipe("redis-save"), null)).toBeNull();
  });

  it("reads a key's value from a redis.conf-like file: the last line wins, quotes removed", () => {
    const text = '# requirepass foobared\nrequirepass first\nport 6379\nrequirepass "two words"\n';
    expect(readConfigValue(text, "requirepass")).toBe("two words");
    expect(readConfigValue("requirepass 'single'", "requirepass")).toBe("single");
    expect(readConfigValue("# requirepass x", "requirepass")).toBeNull();
  });
});

describe("the manifest's capture record", () => {
  const base = {
    recipe: "postgresql-dumpall",
    service: "PostgreSQL",
    package: "postgresql-13",
    packageVersion: "13.16-0+deb11u1",
    serverVersion: "PostgreSQL 13.16",
    argv: ["pg_dumpall"],
    user: "postgres",
    format: "sql",
    name: "postgresql-dumpall.sql",
    sha256: "a".repeat(64),
    size: 10,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
  };
  it("takes a plain file name only, and name/sha256 exactly when there is output", () => {
    expect(captureSchema.safeParse(base).success).toBe(true);
    expect(captureSchema.safeParse({ ...base, name: "../etc/passwd" }).success).toBe(false);
    expect(captureSchema.safeParse({ ...base, name: "a/b.sql" }).success).toBe(false);
    expect(captureSchema.safeParse({ ...base, format: "none" }).success).toBe(false);
    expect(captureSchema.safeParse({ ...base, format: "none", name: null, sha256: null }).success).toBe(true);
    expect(captureSchema.safeParse({ ...base, sha256: null }).success).toBe(false);
  });
});
