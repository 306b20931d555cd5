import http from "node:http";
import { removeContainer } from "../fixtures/containers";
import { expect, test } from "../fixtures/test";
import { createUserWithToken, type TestUser } from "../fixtures/users";
import { KEPT_SECRET, makeKeepSecretsArchive, type KeepSecretsArchive } from "../support/keep-secrets-archive";

// Who may call what, walked from the OpenAPI description so a new route cannot be missed: without
// a session every route but the open ones answers 401; a viewer gets 403 on every route that needs
// an operator or admin; an operator gets 403 on admin routes. And cross-site requests are refused.
// What a viewer may read is checked too: no bundle (it holds password hashes and keys), and secret
// values an archive kept are masked.

type Operation = { method: string; path: string; access: string };

let operations: Operation[] = [];
let viewer: TestUser;
let operator: TestUser;
let baseURL = "";
let secrets: KeepSecretsArchive | null = null;

/** A concrete URL for a templated path: ids that look valid but name nothing. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "zz0nothing0zz");

test.beforeAll(async ({ request }, info) => {
  baseURL = info.project.use.baseURL!;
  const document = (await (await request.get("/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { "x-kura-access": string }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, access: operation["x-kura-access"] })),
  );
  viewer = await createUserWithToken(request, baseURL, "viewer");
  operator = await createUserWithToken(request, baseURL, "operator");
});

test.afterAll(() => {
  if (secrets) removeContainer(secrets.container);
});

const json = { "content-type": "application/json" };

async function call(operation: Operation, token?: string) {
  return fetch(`${baseURL}${concrete(operation.path)}`, {
    method: operation.method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(operation.method === "GET" ? {} : { body: "{}" }),
  });
}

test("the description covers the routes and says who may call each", async () => {
  expect(operations.length).toBeGreaterThan(40);
  for (const operation of operations)
    expect(["public", "viewer", "operator", "admin"], `${operation.method} ${operation.path}`).toContain(operation.access);
  const open = operations.filter((operation) => operation.access === "public").map((operation) => `${operation.method} ${operation.path}`);
  expect(open.sort()).toEqual(["GET /api/auth/session", "GET /api/health", "POST /api/auth/setup", "POST /api/auth/sign-in"]);
});

test("without a session or token, every route but the open ones is 401", async () => {
  for (const operation of operations.filter((candidate) => candidate.access !== "public")) {
    const response = await call(operation);
    expect(response.status, `${operation.method} ${operation.path}`).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  }
  const revoked = await call({ method: "GET", path: "/api/archives", access: "viewer" }, "kura_not-a-real-token");
  expect(revoked.status).toBe(401);
});

test("a viewer gets 403 on every route that changes something; an operator on admin routes", async () => {
  for (const operation of operations) {
    const label = `${operation.method} ${operation.path}`;
    if (label === "PUT /api/auth/password") {
      // Open to every role, but only from a signed-in browser: an API token gets 403 session_required.
      for (const person of [viewer, operator]) {
        const response = await fetch(`${baseURL}${operation.path}`, {
          method: "PUT",
          headers: { "content-type": "application/json", authorization: `Bearer ${person.token}` },
          body: JSON.stringify({ currentPassword: person.password, newPassword: "a-new-password-1" }),
        });
        expect(response.status, `${person.name} ${label}`).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("session_required");
      }
      continue;
    }
    const asViewer = await call(operation, viewer.token);
    if (operation.access === "operator" || operation.access === "admin") expect(asViewer.status, `viewer ${label}`).toBe(403);
    else expect(asViewer.status, `viewer ${label}`).not.toBe(403);
    const asOperator = await call(operation, operator.token);
    if (operation.access === "admin") expect(asOperator.status, `operator ${label}`).toBe(403);
    else expect(asOperator.status, `operator ${label}`).not.toBe(403);
  }
  const changing = operations.filter((operation) => operation.method !== "GET" && !["public"].includes(operation.access));
  const ownAccount = changing
    .filter((operation) => operation.access === "viewer")
    .map((operation) => `${operation.method} ${operation.path}`);
  // A viewer changes only their own session, password and tokens; the other POSTs open to them only read (a plan, its
  // merge conflicts, a rule preview).
  expect(ownAccount.sort()).toEqual([
    "DELETE /api/tokens/{id}",
    "POST /api/archives/{id}/merge-conflicts",
    "POST /api/archives/{id}/restore-plan",
    "POST /api/auth/sign-out",
    "POST /api/rule-sets/{id}/preview",
    "POST /api/tokens",
    "PUT /api/auth/password",
  ]);
});

test("a state change riding on the session cookie must come from Kura's own pages", async () => {
  const body = JSON.stringify({ name: "csrf probe" });
  const post = (headers: Record<string, string>) =>
    fetch(`${baseURL}/api/tokens`, { method: "POST", body, headers: { ...json, cookie: operator.cookie, ...headers } });
  const noOrigin = await post({});
  expect(noOrigin.status).toBe(403);
  expect(((await noOrigin.json()) as { error: { code: string } }).error.code).toBe("cross_site_request");
  const foreign = await post({ origin: "https://evil.example" });
  expect(foreign.status).toBe(403);
  const same = await post({ origin: baseURL });
  expect(same.status).toBe(201);
});

test("sign-in failures are refused, recorded, and slowed down", async ({ request }) => {
  const wrongCredentials = JSON.stringify({ name: viewer.name, password: "wrong-password" });
  const wrong = () => fetch(`${baseURL}/api/auth/sign-in`, { method: "POST", headers: json, body: wrongCredentials });
  expect((await wrong()).status).toBe(401);
  for (let i = 0; i < 4; i++) await wrong();
  const throttled = await wrong();
  expect(throttled.status).toBe(429);
  const audit = (await (await request.get(`/api/audit?actor=${viewer.name}&action=auth.sign-in`)).json()) as {
    events: { result: string }[];
  };
  expect(audit.events.filter((event) => event.result === "failed").length).toBeGreaterThanOrEqual(5);
  // The health check stays open but says nothing about the engines to strangers.
  const health = (await (await fetch(`${baseURL}/api/health`)).json()) as Record<string, unknown>;
  expect(health.ok).toBe(true);
  expect(health.engines).toBeUndefined();
});

test("sign-in takes JSON only and never from another site (login CSRF)", async () => {
  const credentials = JSON.stringify({ name: operator.name, password: operator.password });
  const signIn = (headers: Record<string, string>) => fetch(`${baseURL}/api/auth/sign-in`, { method: "POST", headers, body: credentials });
  // A cross-site HTML form can post text/plain holding JSON; that is refused before the password is checked.
  const plain = await signIn({ "content-type": "text/plain" });
  expect(plain.status).toBe(415);
  expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
  expect(plain.headers.get("set-cookie")).toBeNull();
  const foreign = await signIn({ ...json, origin: "https://evil.example" });
  expect(foreign.status).toBe(403);
  expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("cross_site_request");
  expect(foreign.headers.get("set-cookie")).toBeNull();
  const setupBody = JSON.stringify({ token: "x", name: "mallory", password: "long-enough-password" });
  const setup = await fetch(`${baseURL}/api/auth/setup`, { method: "POST", headers: { ...json, origin: "null" }, body: setupBody });
  expect(setup.status).toBe(403);
  const own = await signIn({ ...json, origin: baseURL });
  expect(own.status).toBe(200);
});

test("a JSON body without content-length is refused with 413 as soon as it passes 1 MiB", async () => {
  const url = new URL("/api/tokens", baseURL);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const status = await new Promise<number>((resolve, reject) => {
    const headers = { ...json, authorization: `Bearer ${operator.token}`, "transfer-encoding": "chunked" };
    const request = http.request(url, { method: "POST", headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    // The server may answer and close while we still write: that is the point.
    request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
    let sent = 0;
    const writeMore = () => {
      // 32 MiB in all if the server read it whole; it should stop us after about 1 MiB.
      while (sent < 512 && !request.destroyed) {
        sent += 1;
        if (!request.write(chunk)) return void request.once("drain", writeMore);
      }
      request.end();
    };
    writeMore();
  });
  expect(status).toBe(413);
});

test("a viewer may not download an archive's bundle, and sees kept secrets masked where an operator sees them", async ({ request }) => {
  test.setTimeout(180_000);
  const exportOperation = operations.find((operation) => operation.method === "GET" && operation.path === "/api/archives/{id}/bundle");
  expect(exportOperation?.access).toBe("operator");
  secrets = await makeKeepSecretsArchive(request);
  const as = (person: TestUser) => ({ authorization: `Bearer ${person.token}` });
  const bundle = `${baseURL}/api/archives/${secrets.archiveId}/bundle`;
  const viewerBundle = await fetch(bundle, { headers: as(viewer) });
  expect(viewerBundle.status).toBe(403);
  const operatorBundle = await fetch(bundle, { headers: as(operator) });
  expect(operatorBundle.status).toBe(200);
  expect(operatorBundle.headers.get("content-type")).toBe("application/gzip");
  await operatorBundle.body?.cancel();

  type Env = { name: string; value: string | null; masked?: boolean }[];
  const envOf = async (person: TestUser) => {
    const archive = await fetch(`${baseURL}/api/archives/${secrets!.archiveId}`, { headers: as(person) });
    return ((await archive.json()) as { manifest: { config: { env: Env } } }).manifest.config.env;
  };
  const viewerEnv = await envOf(viewer);
  expect(JSON.stringify(viewerEnv)).not.toContain(KEPT_SECRET);
  expect(viewerEnv.find((variable) => variable.name === "DB_PASSWORD")).toMatchObject({ masked: true });
  expect(viewerEnv.find((variable) => variable.name === "PLAIN_SETTING")?.value).toBe("visible-value");
  expect((await envOf(operator)).find((variable) => variable.name === "DB_PASSWORD")?.value).toBe(KEPT_SECRET);

  const planAs = async (person: TestUser) => {
    const response = await fetch(`${baseURL}/api/archives/${secrets!.archiveId}/restore-plan`, {
      method: "POST",
      headers: { ...json, ...as(person) },
      body: JSON.stringify({ engineId: "local", baseImage: "kura-test/busybox:latest" }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as { dockerfile: string };
  };
  const viewerPlan = await planAs(viewer);
  expect(viewerPlan.dockerfile).toContain("ENV DB_PASSWORD=");
  expect(viewerPlan.dockerfile).not.toContain(KEPT_SECRET);
  expect(viewerPlan.dockerfile).toContain("visible-value");
  expect((await planAs(operator)).dockerfile).toContain(KEPT_SECRET);
});
