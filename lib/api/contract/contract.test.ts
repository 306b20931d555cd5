import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEntry, type ContractEntry } from "./entry";
import { contract } from "./index";
import { openApiDocument } from "./openapi-document";

// The contract and the route files must name the same operations: a route without an entry, an
// entry without a route, or a route file that hands route() another operation's entry all fail here.

const API_DIR = path.resolve(import.meta.dirname, "../../../app/api");
const CONTRACT_DIR = import.meta.dirname;
/** The catch-all JSON 404 for unknown paths is not an operation. */
const FALLBACK = "[...path]";

type RouteFile = { file: string; path: string; methods: Map<string, string> };

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) =>
    item.isDirectory() ? routeFiles(path.join(dir, item.name)) : item.name === "route.ts" ? [path.join(dir, item.name)] : [],
  );
}

/** Each exported method and the contract entry it hands to route(), resolved through the file's imports. */
function readRouteFile(file: string): RouteFile {
  const source = readFileSync(file, "utf8");
  const relative = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  const apiPath = `/api/${relative.map((part) => part.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`.replace(/\/$/, "");
  const imported = new Map<string, string>();
  for (const [, names, domain] of source.matchAll(/import \{([^}]+)\} from "@\/lib\/api\/contract\/([\w-]+)"/g)) {
    for (const name of names!
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [exported, local] = name.split(/\s+as\s+/);
      imported.set((local ?? exported)!.trim(), `${domain}.${exported!.trim()}`);
    }
  }
  const methods = new Map<string, string>();
  for (const [, method, entryName] of source.matchAll(/export const (GET|POST|PUT|DELETE|PATCH) = route\((\w+)/g))
    methods.set(method!, imported.get(entryName!) ?? `unresolved ${entryName}`);
  for (const [, method] of source.matchAll(/export const (GET|POST|PUT|DELETE|PATCH) = (?!route\()/g)) {
    methods.set(method!, "not route(entry, …)");
  }
  return { file, path: apiPath, methods };
}

async function entriesByName(): Promise<Map<string, ContractEntry>> {
  const byName = new Map<string, ContractEntry>();
  for (const file of readdirSync(CONTRACT_DIR).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))) {
    const module = (await import(path.join(CONTRACT_DIR, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (contract.includes(value as ContractEntry)) byName.set(`${file.replace(/\.ts$/, "")}.${name}`, value as ContractEntry);
    }
  }
  return byName;
}

const routes = routeFiles(API_DIR)
  .filter((file) => !file.includes(`${path.sep}${FALLBACK}${path.sep}`))
  .map(readRouteFile);

describe("the route contract", () => {
  it("finds the route files", () => {
    expect(routes.length).toBeGreaterThan(25);
  });

  it("has exactly one entry for every exported method of every route file, and no entry without a route", () => {
    const served = routes.flatMap((route) => [...route.methods.keys()].map((method) => `${method} ${route.path}`)).sort();
    const described = contract.map((entry) => `${entry.method} ${entry.path}`).sort();
    expect(described).toEqual([...new Set(described)]);
    expect(
      served.filter((operation) => !described.includes(operation)),
      "routes missing from the contract",
    ).toEqual([]);
    expect(
      described.filter((operation) => !served.includes(operation)),
      "contract entries without a route",
    ).toEqual([]);
  });

  it("hands every route() the entry of its own path and method", async () => {
    const byName = await entriesByName();
    for (const route of routes) {
      for (const [method, entryName] of route.methods) {
        const entry = byName.get(entryName);
        expect(entry, `${method} ${route.path} in ${path.relative(API_DIR, route.file)} uses ${entryName}`).toBeDefined();
        expect(`${entry!.method} ${entry!.path}`, `${path.relative(API_DIR, route.file)} ${method}`).toBe(`${method} ${route.path}`);
      }
    }
  });

  it("states the access of every entry (there is no default)", () => {
    for (const entry of contract) {
      expect(["public", "viewer", "operator", "admin"], `${entry.method} ${entry.path}`).toContain(entry.access);
    }
    // @ts-expect-error an entry without access does not compile
    defineEntry({ method: "GET", path: "/api/x", summary: "x", status: 200, response: z.object({}), errors: {} });
  });

  it("keeps the archive bundle (account files, keys, secrets) from viewers", () => {
    expect(contract.find((entry) => entry.method === "GET" && entry.path === "/api/archives/{id}/bundle")?.access).toBe("operator");
  });

  it("names every path parameter of the path in its params schema", () => {
    for (const entry of contract) {
      const inPath = [...entry.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(Object.keys(entry.params?.shape ?? {}).sort(), `${entry.method} ${entry.path}`).toEqual(inPath);
    }
  });
});

describe("the OpenAPI document generated from it", () => {
  type Operation = { "x-kura-access": string; responses: Record<string, { content?: Record<string, { schema: object }> }> };
  const document = openApiDocument() as { paths: Record<string, Record<string, Operation>> };

  it("carries every operation with its access and a real schema for each JSON answer", () => {
    for (const entry of contract) {
      const operation = document.paths[entry.path]?.[entry.method.toLowerCase()];
      expect(operation, `${entry.method} ${entry.path}`).toBeDefined();
      expect(operation!["x-kura-access"]).toBe(entry.access);
      const success = operation!.responses[String(entry.status)];
      expect(success, `${entry.method} ${entry.path} ${entry.status}`).toBeDefined();
      if (entry.response instanceof z.ZodType) {
        const schema = success!.content?.["application/json"]?.schema as Record<string, unknown>;
        expect(Object.keys(schema).length, `${entry.method} ${entry.path} has an empty response schema`).toBeGreaterThan(0);
      }
    }
  });

  it("describes an archive's answer field by field", () => {
    const answer = document.paths["/api/archives/{id}"]!.get!.responses["200"]!;
    const schema = answer.content!["application/json"]!.schema as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["id", "name", "state", "manifest"]));
  });
});
