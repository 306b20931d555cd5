import { adminToken, expect, test } from "../fixtures/test";

// Every operation in /api/openapi.json gets a bounded, reproducible set of bad requests as the admin: invalid JSON,
// JSON of the wrong type, each body property replaced by a wrong type / 100 KB string / unicode / NUL bytes / negative
// number, a 2 MB body, hostile path parameters and query parameters of the wrong type. No answer may be a 5xx, a 4xx
// in JSON must be {error: {code, message}}, and no answer may show a stack trace or the server's source files.
//
// Nothing here can do damage: path parameters are hostile values or an id that names nothing (never "local"), body
// values are single wrong properties, sign-out is left out, and anything a fuzzed request happens to create (a token
// or rule set named in unicode, say) is deleted again right away.

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  format?: string;
};
type ParameterDoc = { name: string; in: "path" | "query"; schema?: JsonSchema };
type OperationDoc = { parameters?: ParameterDoc[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
type Operation = {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
};

type FuzzCase = {
  label: string;
  method: string;
  /** path and query, already percent-encoded */
  url: string;
  body?: string;
  /** statuses that are the only right answer (otherwise: anything below 500) */
  expectStatus?: number[];
};

const SEED = Number(process.env.KURA_FUZZ_SEED ?? 20240601);
const MAX_CASES_PER_OPERATION = 12;
const MAX_TOTAL_REQUESTS = 2000;
/** An id every id pattern accepts but that names nothing, so validation passes and the lookup says 404. */
const NOTHING = "zz0nothing0zz";

const HUGE = "x".repeat(100 * 1024);
const UNICODE = "Ünïcødé ✓ 😀 \u202Eevil\u202C 𝔘𝔫𝔦 ﷽ \uFEFF日本語";
const NUL_BYTES = "before\u0000after\u0000";
// JSON.parse keeps "__proto__" as an own key (an object literal would set the prototype instead and send "{}").
const PROTO_POLLUTION: unknown = JSON.parse('{"__proto__": {"role": "admin"}}');
const TWO_MB_BODY = JSON.stringify({ name: "big", padding: "x".repeat(2 * 1024 * 1024) });

/** Path parameter values, written as they go into the URL (already encoded). */
const HOSTILE_PATH_VALUES: { label: string; raw: string }[] = [
  { label: "traversal", raw: "..%2F..%2Fetc%2Fpasswd" },
  { label: "300 characters", raw: "a".repeat(300) },
  { label: "NUL byte", raw: "%00" },
  { label: "unicode", raw: encodeURIComponent("üñï✓😀\u202E") },
  { label: "SQL", raw: encodeURIComponent("1' OR '1'='1'; DROP TABLE Archive;--") },
  // Next.js 16 itself answers a bare 500 for a dynamic segment that does not decode (vercel/next.js#92557), before
  // any route runs; the proxy can refuse such paths first.
  { label: "malformed percent-encoding", raw: "%E0%A4%A" },
  { label: "negative number", raw: "-1" },
];

// Anything that looks like a stack or the server's own files. JSON escapes newlines, so both forms count.
const STACK_IN_ERRORS = [/(?:\n|\\n)\s+at /, /node_modules/, /\.ts:/];
// Successful answers carry people's data (build logs, container commands), so only a real stack frame counts there.
const STACK_FRAME = /(?:\n|\\n)\s+at [^\n]*?(?:\/|file:)[^\s)]*\.(?:js|mjs|cjs|ts):\d+:\d+/;

/** mulberry32: a tiny seeded generator, so the chosen cases are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The schema's main type: "string", "integer", "array", ..., "enum", or "unknown". */
function kindOf(schema: JsonSchema | undefined): string {
  if (!schema) return "unknown";
  if (schema.enum) return "enum";
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const main = types.find((type) => type !== "null");
  if (main) return main === "string" && schema.format === "date-time" ? "date-time" : main;
  const variant = schema.anyOf?.find((candidate) => kindOf(candidate) !== "null" && kindOf(candidate) !== "unknown");
  return variant ? kindOf(variant) : "unknown";
}

/** Values that are wrong for a body property of this kind (wrong type, or hostile content of the right type). */
function wrongValues(kind: string): unknown[] {
  switch (kind) {
    case "string":
    case "date-time":
    case "enum":
      return [12345, -1, true, null, { $gt: "" }, [1, "x"], HUGE, UNICODE, NUL_BYTES, "../../../etc/passwd"];
    case "integer":
    case "number":
      return ["12", -1, -2147483649, 1.5, 1e308, null, true, HUGE, UNICODE];
    case "boolean":
      return ["true", 1, -1, null, [], HUGE, NUL_BYTES];
    case "array":
      return [{}, "x", -1, null, [null, -1, NUL_BYTES], [HUGE], [UNICODE], [{ path: HUGE }]];
    case "object":
      return [[], "x", -1, null, HUGE, PROTO_POLLUTION];
    default:
      return [HUGE, UNICODE, NUL_BYTES, -1, null, [], {}];
  }
}

/** Query values of the wrong type for a parameter of this kind. */
function wrongQueryValues(kind: string): string[] {
  switch (kind) {
    case "enum":
      return ["not-a-choice", "", UNICODE, "-1"];
    case "integer":
    case "number":
      return ["-1", "abc", "1e309", "0.5", "99999999999999999999"];
    case "date-time":
      return ["yesterday", "2024-13-45T99:99:99Z", "-1", UNICODE];
    default:
      return ["x".repeat(8 * 1024), NUL_BYTES, UNICODE, "../../etc/passwd", "' OR 1=1--"];
  }
}

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? NOTHING);
}

function casesFor(operation: Operation, random: () => number): FuzzCase[] {
  const { method, path, pathParams, query, body } = operation;
  const nothingIds = Object.fromEntries(pathParams.map((name) => [name, NOTHING]));
  const at = (values: Record<string, string>, search = "") => fill(path, values) + search;
  const sendsBody = method !== "GET";
  const must: FuzzCase[] = [];
  const rest: FuzzCase[] = [];

  for (const hostile of pathParams.length ? HOSTILE_PATH_VALUES : []) {
    const param = pick(pathParams, random);
    rest.push({
      label: `path ${param} = ${hostile.label}`,
      method,
      url: at({ ...nothingIds, [param]: hostile.raw }),
      ...(sendsBody ? { body: "{}" } : {}),
    });
  }

  if (query.length) {
    const all = new URLSearchParams();
    for (const { name, schema } of query) {
      const value = pick(wrongQueryValues(kindOf(schema)), random);
      all.set(name, value);
      rest.push({
        label: `query ${name} wrong (${kindOf(schema)})`,
        method,
        url: at(nothingIds, `?${new URLSearchParams({ [name]: value })}`),
      });
    }
    rest.push({ label: "every query parameter wrong at once", method, url: at(nothingIds, `?${all}`) });
  } else if (method === "GET") {
    rest.push({
      label: "unexpected query parameters",
      method,
      url: at(nothingIds, `?limit=-1&__proto__%5Badmin%5D=1&q=%00&${"p=1&".repeat(50)}`),
    });
  }

  if (body) {
    const url = at(nothingIds);
    must.push({ label: "invalid JSON", method, url, body: '{"name": "x",' });
    // readJson refuses a body over 1 MB with 413; a route that first looks up what the path names may say 404 before.
    must.push({ label: "2 MB body", method, url, body: TWO_MB_BODY, expectStatus: pathParams.length ? [413, 404] : [413] });
    for (const [label, text] of [
      ["JSON array", "[1, 2, 3]"],
      ["JSON number", "-42"],
      ["JSON null", "null"],
      ["JSON string", '"just a string"'],
      ["prototype keys", '{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"admin": true}}}'],
    ] as const) {
      rest.push({ label, method, url, body: text });
    }
    const properties = Object.entries(body.properties ?? {});
    const perProperty = properties.length <= 3 ? 2 : 1;
    for (const [name, schema] of properties) {
      for (const value of shuffled(wrongValues(kindOf(schema)), random).slice(0, perProperty)) {
        const shown =
          typeof value === "string" ? (value.length > 40 ? `${value.length}-char string` : JSON.stringify(value)) : JSON.stringify(value);
        rest.push({ label: `body ${name} = ${shown}`, method, url, body: JSON.stringify({ [name]: value }) });
      }
    }
  } else if (sendsBody) {
    rest.push({ label: "invalid JSON body where none is expected", method, url: at(nothingIds), body: "{not json" });
    // The bundle import reads a raw body: junk of 2 MB must be refused, not crash it.
    if (!pathParams.length)
      rest.push({ label: "2 MB of junk", method, url: at(nothingIds), body: TWO_MB_BODY.replace(/^\{/, "\u0000\u0001junk") });
  }

  return [...must, ...shuffled(rest, random).slice(0, Math.max(0, MAX_CASES_PER_OPERATION - must.length))];
}

/** Requests that must never be sent, whatever the generator does. */
function isDangerous(fuzzCase: FuzzCase): boolean {
  if (fuzzCase.method === "DELETE" && /^\/api\/engines\/local(?:[/?]|$)/.test(fuzzCase.url)) return true;
  return fuzzCase.url.startsWith("/api/auth/sign-out");
}

function problemsWith(fuzzCase: FuzzCase, status: number, contentType: string, text: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`answered ${status}`);
  if (fuzzCase.expectStatus && !fuzzCase.expectStatus.includes(status))
    problems.push(`answered ${status}, expected ${fuzzCase.expectStatus.join(" or ")}`);
  if (status >= 400) {
    for (const pattern of STACK_IN_ERRORS) if (pattern.test(text)) problems.push(`error text matches ${pattern}`);
    if (contentType.includes("application/json")) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        problems.push("says JSON but is not");
      }
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (typeof error?.code !== "string" || !error.code) problems.push(`no error.code in ${text.slice(0, 200)}`);
      if (typeof error?.message !== "string" || !error.message.trim()) problems.push(`no error.message in ${text.slice(0, 200)}`);
    }
  } else if (STACK_FRAME.test(text)) {
    problems.push("shows a stack frame");
  }
  return problems;
}

test("malformed, oversized and wrongly typed requests to every route are refused cleanly", async ({ request, baseURL }) => {
  test.setTimeout(180_000);
  expect(new URL(baseURL!).hostname).toBe("127.0.0.1");
  const document = (await (await request.get("/api/openapi.json")).json()) as { paths: Record<string, Record<string, OperationDoc>> };
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, doc]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (doc.parameters ?? []).filter((parameter) => parameter.in === "path").map((parameter) => parameter.name),
      query: (doc.parameters ?? [])
        .filter((parameter) => parameter.in === "query")
        .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
      body: doc.requestBody?.content?.["application/json"]?.schema ?? null,
    })),
  );
  expect(operations.length).toBeGreaterThan(40);

  const random = seededRandom(SEED);
  const fuzzed = operations.filter((operation) => !operation.path.startsWith("/api/auth/sign-out"));
  const plan = fuzzed.map((operation) => ({ operation, cases: casesFor(operation, random).filter((fuzzCase) => !isDangerous(fuzzCase)) }));
  const total = plan.reduce((sum, entry) => sum + entry.cases.length, 0);
  expect(total).toBeLessThan(MAX_TOTAL_REQUESTS);
  for (const { operation, cases } of plan) expect(cases.length, `${operation.method} ${operation.path} gets no cases`).toBeGreaterThan(0);

  const token = adminToken();
  const deletable = new Set(operations.filter((operation) => operation.method === "DELETE").map((operation) => operation.path));
  const problems: string[] = [];
  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;

  for (const { operation, cases } of plan) {
    for (const fuzzCase of cases) {
      const where = `${fuzzCase.method} ${operation.path} [${fuzzCase.label}]`;
      sent += 1;
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${baseURL}${fuzzCase.url}`, {
          method: fuzzCase.method,
          redirect: "manual",
          headers: { authorization: `Bearer ${token}`, ...(fuzzCase.body === undefined ? {} : { "content-type": "application/json" }) },
          ...(fuzzCase.body === undefined ? {} : { body: fuzzCase.body }),
          signal: AbortSignal.timeout(30_000),
        });
        text = await response.text();
      } catch (error) {
        problems.push(`${where}: no answer (${error instanceof Error ? error.message : String(error)})`);
        continue;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      for (const problem of problemsWith(fuzzCase, response.status, response.headers.get("content-type") ?? "", text))
        problems.push(`${where}: ${problem}`);

      if (response.status >= 200 && response.status < 300 && fuzzCase.method !== "GET") {
        accepted.push(`${where} -> ${response.status}`);
        // A fuzzed value that happened to be valid created something: delete it again.
        const id = (() => {
          try {
            return (JSON.parse(text) as { id?: unknown }).id;
          } catch {
            return undefined;
          }
        })();
        const deletePath = [...deletable].find(
          (candidate) =>
            candidate.startsWith(`${operation.path}/{`) && candidate.split("/").length === operation.path.split("/").length + 1,
        );
        if (fuzzCase.method === "POST" && typeof id === "string" && deletePath && !operation.pathParams.length) {
          const removed = await request.delete(
            fill(deletePath, Object.fromEntries([[deletePath.match(/\{([^}]+)\}$/)![1]!, encodeURIComponent(id)]])),
          );
          expect(removed.status(), `removing what ${where} created`).toBeLessThan(300);
        }
      }
    }
  }

  const summary = [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(", ");
  test.info().annotations.push({ type: "fuzz", description: `seed ${SEED}: ${sent} requests to ${plan.length} operations (${summary})` });
  if (accepted.length) test.info().annotations.push({ type: "fuzz accepted", description: accepted.join("\n") });
  expect(sent).toBe(total);
  expect(problems, problems.slice(0, 50).join("\n")).toEqual([]);
});
