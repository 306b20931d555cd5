import { expect, test } from "../fixtures/test";

// The HTTP contract: error shape, validation and health.

test("an unknown container is a 404 in the error shape", async ({ request }) => {
  const response = await request.get("/api/engines/local/containers/no-such-container");
  expect(response.status()).toBe(404);
  expect(await response.json()).toEqual({ error: { code: "container_not_found", message: expect.stringContaining("no-such-container") } });
});

test("an unknown engine is a 404", async ({ request }) => {
  const response = await request.get("/api/engines/nope/containers/abc");
  expect(response.status()).toBe(404);
  expect((await response.json()).error.code).toBe("engine_not_found");
});

test("a malformed engine endpoint is a 422 that names the field", async ({ request }) => {
  for (const endpoint of ["http://example.org", "unix://relative", "tcp://host:70000", "ssh://hostonly"]) {
    const response = await request.post("/api/engines", { data: { name: "bad", endpoint } });
    expect(response.status(), endpoint).toBe(422);
    const body = await response.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/^endpoint: /);
  }
});

test("bad JSON is a 400 and a wrong type is a 422, never a 500", async ({ request }) => {
  const notJson = await request.post("/api/engines", { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } });
  expect(notJson.status()).toBe(400);
  const wrongType = await request.post("/api/engines", { data: { name: 42, endpoint: ["x"] } });
  expect(wrongType.status()).toBe(422);
  const badQuery = await request.get("/api/containers?state=sleeping");
  expect(badQuery.status()).toBe(422);
});

test("a bad container reference is refused before reaching the engine", async ({ request }) => {
  const response = await request.get(`/api/engines/local/containers/${encodeURIComponent("../../etc")}`);
  expect(response.status()).toBe(422);
});

test("the local engine cannot be removed and duplicates are refused", async ({ request }) => {
  expect((await request.delete("/api/engines/local")).status()).toBe(409);
  const engines = await (await request.get("/api/engines")).json();
  const local = engines.find((engine: { id: string }) => engine.id === "local");
  const duplicate = await request.post("/api/engines", { data: { name: "again", endpoint: local.endpoint } });
  expect(duplicate.status()).toBe(409);
});

test("health reports the database and each engine", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.ok).toBe(true);
  expect(body.database.ok).toBe(true);
  expect(body.engines).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: "local", reachable: true, version: expect.any(String) })]),
  );
});

test("the OpenAPI description lists the routes", async ({ request }) => {
  const document = await (await request.get("/api/openapi.json")).json();
  expect(document.openapi).toMatch(/^3\./);
  for (const path of ["/api/health", "/api/engines", "/api/containers", "/api/engines/{engineId}/containers/{containerRef}"]) {
    expect(Object.keys(document.paths)).toContain(path);
  }
});

test("an unknown API path is a JSON 404", async ({ request }) => {
  const response = await request.get("/api/does-not-exist");
  expect(response.status()).toBe(404);
  expect((await response.json()).error.code).toBe("route_not_found");
});

test("jobs: an unknown job is a 404 and the list is an array", async ({ request }) => {
  const unknown = await request.get("/api/jobs/nosuchjob");
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("job_not_found");
  expect((await request.post("/api/jobs/nosuchjob/cancel")).status()).toBe(404);
  expect((await request.get("/api/jobs/bad..id")).status()).toBe(422);
  const list = await request.get("/api/jobs?state=running");
  expect(list.status()).toBe(200);
  expect(Array.isArray(await list.json())).toBe(true);
});
