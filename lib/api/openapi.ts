import { z } from "zod";
import type { Access } from "@/lib/auth/roles";
import { accessFor } from "./route";
import { addEngineBody, auditQuery, changePasswordBody, createTokenBody, createUserBody, setupBody, signInBody, tokenParams, updateUserBody, userParams, archiveBody, archiveParams, bundleQuery, changesQuery, engineParams, migrationRuleBody, migrationRuleParams, restoreParams, restorePlanBody, startRestoreBody, containerRefParam, containersQuery, createRuleSetBody, engineIdParam, jobParams, jobsQuery, previewBody, selectionBody, updateRuleSetBody } from "./schemas";

// The API description served at /api/openapi.json. Each path lists its operations; the auth
// tests (issue 6) walk this file, so every route must be here.

/** `access`: who may call it (see lib/auth/roles.ts); without it, GET needs a viewer and anything else an operator, as in route(). */
type Operation = { summary: string; body?: z.ZodType; query?: z.ZodObject; responses: Record<string, string>; long?: boolean; access?: Access };
type PathItem = { params?: Record<string, z.ZodType>; get?: Operation; post?: Operation; put?: Operation; delete?: Operation };

const errorSchema = {
  type: "object",
  properties: { error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } }, required: ["code", "message"] } },
};

export const apiPaths: Record<string, PathItem> = {
  "/api/health": { get: { access: "public", summary: "Database and engine reachability (no sign-in needed)", responses: { "200": "ok" } } },
  "/api/engines": {
    get: { summary: "Registered engines with reachability and version", responses: { "200": "engines" } },
    post: { access: "admin", summary: "Register an engine (unix://, tcp:// with optional TLS files, ssh://)", body: addEngineBody, responses: { "201": "engine", "409": "name or endpoint taken", "422": "invalid" } },
  },
  "/api/engines/{engineId}": {
    params: { engineId: engineIdParam },
    get: { summary: "One engine with its status", responses: { "200": "engine", "404": "unknown engine" } },
    delete: { access: "admin", summary: "Forget an engine (the local engine stays)", responses: { "204": "deleted", "404": "unknown engine", "409": "local engine" } },
  },
  "/api/containers": { get: { summary: "Containers of every engine", query: containersQuery, responses: { "200": "containers" } } },
  "/api/engines/{engineId}/containers/{containerRef}": {
    params: { engineId: engineIdParam, containerRef: containerRefParam },
    get: { summary: "Container detail: config (secrets masked), mounts, OS and package manager", responses: { "200": "container", "404": "unknown container", "502": "engine unreachable" } },
  },
  "/api/engines/{engineId}/containers/{containerRef}/changes": {
    params: { engineId: engineIdParam, containerRef: containerRefParam },
    get: {
      summary: "Changed paths (writable layer, volumes, bind mounts), each classified and selected, with what decided it",
      query: changesQuery,
      responses: { "200": "entries and totals", "404": "unknown container or rule set", "502": "engine unreachable" },
    },
  },
  "/api/engines/{engineId}/containers/{containerRef}/selection": {
    params: { engineId: engineIdParam, containerRef: containerRefParam },
    get: { summary: "The stored curation (rule set and hand overrides)", responses: { "200": "selection" } },
    put: { summary: "Store the curation: overrides by path (a folder's override applies below it) and the rule set", body: selectionBody, responses: { "200": "selection", "422": "invalid" } },
  },
  "/api/rule-sets": {
    get: { summary: "Rule sets, the built-in default first", responses: { "200": "rule sets" } },
    post: { access: "admin", summary: "Create a rule set (rules given, a copy of another, or the defaults)", body: createRuleSetBody, responses: { "201": "rule set", "409": "name taken", "422": "invalid" } },
  },
  "/api/rule-sets/{id}": {
    params: { id: z.string() },
    get: { summary: "One rule set", responses: { "200": "rule set", "404": "unknown" } },
    put: { access: "admin", summary: "Replace a rule set's name and ordered rules (not the built-in one)", body: updateRuleSetBody, responses: { "200": "rule set", "409": "built-in", "422": "invalid" } },
    delete: { access: "admin", summary: "Delete a rule set (not the built-in one)", responses: { "204": "deleted", "409": "built-in" } },
  },
  "/api/engines/{engineId}/containers/{containerRef}/archives": {
    params: { engineId: engineIdParam, containerRef: containerRefParam },
    post: { summary: "Archive the container's curated selection: a job; 202 {jobId, archiveId}", body: archiveBody, responses: { "202": "started", "404": "unknown container", "409": "an archive of it is already running" } },
  },
  "/api/archives": { get: { summary: "Archives with sizes (files, bytes, stored bytes, image bytes) and state", responses: { "200": "archives" } } },
  "/api/archives/{id}": {
    params: { id: archiveParams.shape.id },
    get: { summary: "An archive's summary and manifest (null until complete)", responses: { "200": "archive", "404": "unknown archive" } },
    delete: { access: "admin", summary: "Delete an archive and free the content no other archive shares; {freedBytes, blobsRemoved}", responses: { "200": "deleted", "404": "unknown archive", "409": "a job is using it" } },
  },
  "/api/archives/{id}/verify": {
    params: { id: archiveParams.shape.id },
    post: { summary: "Re-read every blob of the archive and check its hash (a job); result {blobsChecked, corrupt}", responses: { "202": "started", "404": "unknown archive", "409": "not complete" } },
  },
  "/api/archives/{id}/bundle": {
    params: { id: archiveParams.shape.id },
    get: {
      summary: "The archive as one .tar.gz (manifest, payload, Dockerfile, restore script, README) that `docker build - < bundle.tar.gz` rebuilds; ?base= targets another base image",
      query: bundleQuery,
      responses: { "200": "application/gzip", "404": "unknown archive or base image", "409": "not complete" },
    },
  },
  "/api/archives/import": {
    post: {
      summary: "Import an exported bundle, sent as the raw request body (application/gzip); checked for unsafe names, links, devices, size limits and hashes before anything is stored",
      responses: { "201": "archive", "409": "already imported", "413": "over a size limit", "422": "unsafe or damaged bundle" },
    },
  },
  "/api/archives/{id}/restore-plan": {
    params: { id: archiveParams.shape.id },
    post: { access: "viewer", summary: "Plan a restore onto a base image (reads only: viewers may look): Dockerfile, restore script, packages, migration rules, warnings", body: restorePlanBody, responses: { "200": "plan", "404": "unknown archive, engine or image", "409": "not complete" } },
  },
  "/api/archives/{id}/restores": {
    params: { id: archiveParams.shape.id },
    get: { summary: "This archive's restores, newest first", responses: { "200": "restores", "404": "unknown archive" } },
    post: {
      summary: "Restore the archive (a job): build on the base image, start the container, verify every file, run the check command; 202 {jobId, restoreId}",
      body: startRestoreBody,
      responses: { "202": "started", "404": "unknown archive, engine or image", "409": "not complete, or the container name is taken" },
    },
  },
  "/api/restores": { get: { summary: "Every restore, newest first", responses: { "200": "restores" } } },
  "/api/restores/{id}": {
    params: { id: restoreParams.shape.id },
    get: { summary: "A restore: state, failed step, verification, check result, Dockerfile diff and build log", responses: { "200": "restore", "404": "unknown restore" } },
  },
  "/api/engines/{engineId}/images": {
    params: { engineId: engineParams.shape.engineId },
    get: { summary: "The engine's tagged images (base images to restore onto)", responses: { "200": "images", "404": "unknown engine", "502": "engine unreachable" } },
  },
  "/api/migration-rules": {
    get: { summary: "Migration rules: the built-in ones (read-only, can be switched off) and people's own", responses: { "200": "rules" } },
    post: { access: "admin", summary: "Add a migration rule (package, version ranges, action: move | rename-key | delete)", body: migrationRuleBody, responses: { "201": "rule", "422": "invalid" } },
  },
  "/api/migration-rules/{id}": {
    params: { id: migrationRuleParams.shape.id },
    put: { access: "admin", summary: "Edit a rule of your own, or switch a built-in one off or on", body: migrationRuleBody, responses: { "200": "rule", "404": "unknown", "409": "built-in rules can only be switched", "422": "invalid" } },
    delete: { access: "admin", summary: "Delete a rule of your own", responses: { "204": "deleted", "404": "unknown", "409": "built-in" } },
  },
  "/api/auth/sign-in": {
    post: { access: "public", summary: "Sign in with name and password: sets the session cookie (httpOnly, SameSite=Lax)", body: signInBody, responses: { "200": "user", "401": "wrong name or password", "429": "too many failures" } },
  },
  "/api/auth/sign-out": { post: { access: "viewer", summary: "End this browser's session", responses: { "200": "signed out" } } },
  "/api/auth/session": { get: { access: "public", summary: "Who is signed in (null when nobody) and whether the first admin is still to be created", responses: { "200": "session" } } },
  "/api/auth/password": {
    put: {
      access: "viewer",
      summary: "Change your own password (from a signed-in browser session, not an API token); your other sessions end",
      body: changePasswordBody,
      responses: { "200": "changed", "403": "wrong current password, or called with an API token", "422": "too short, or the same as before" },
    },
  },
  "/api/auth/setup": {
    post: { access: "public", summary: "Create the first admin with the one-time setup token printed at start (only while there are no users)", body: setupBody, responses: { "201": "user", "403": "wrong token", "409": "already set up" } },
  },
  "/api/users": {
    get: { access: "admin", summary: "Everyone who can sign in, with their role", responses: { "200": "users" } },
    post: { access: "admin", summary: "Add a user (viewer, operator or admin)", body: createUserBody, responses: { "201": "user", "409": "name taken", "422": "invalid" } },
  },
  "/api/users/{id}": {
    params: { id: userParams.shape.id },
    put: { access: "admin", summary: "Change a user's role, password or disabled flag", body: updateUserBody, responses: { "200": "user", "404": "unknown", "409": "the last admin" } },
  },
  "/api/tokens": {
    get: { access: "viewer", summary: "Your API tokens (never their values)", responses: { "200": "tokens" } },
    post: { access: "viewer", summary: "Create an API token for scripts (Authorization: Bearer); its value is in this response only", body: createTokenBody, responses: { "201": "token" } },
  },
  "/api/tokens/{id}": { params: { id: tokenParams.shape.id }, delete: { access: "viewer", summary: "Revoke one of your API tokens", responses: { "200": "revoked", "404": "not yours or unknown" } } },
  "/api/audit": { get: { summary: "The append-only audit log, filtered by actor, action, service and time; format=csv downloads it", query: auditQuery, responses: { "200": "events" } } },
  "/api/overview": { get: { summary: "Archived services and their sizes, storage saved against full images, last verify and restore, failed jobs", responses: { "200": "overview" } } },
  "/api/openapi.json": { get: { summary: "This description", responses: { "200": "OpenAPI 3.1 document" } } },
  "/api/jobs": { get: { summary: "Recent jobs, newest first", query: jobsQuery, responses: { "200": "jobs" } } },
  "/api/jobs/{jobId}": {
    params: { jobId: jobParams.shape.jobId },
    get: { summary: "A job: state (queued|running|succeeded|failed|cancelled), progress {done,total,unit,message, items?: {done,total,unit}}, result, error", responses: { "200": "job", "404": "unknown job" } },
  },
  "/api/jobs/{jobId}/cancel": {
    params: { jobId: jobParams.shape.jobId },
    post: { summary: "Cancel a running job; it removes what it had half-made", responses: { "202": "cancelling", "404": "unknown job", "409": "already ended" } },
  },
  "/api/rule-sets/{id}/preview": {
    params: { id: z.string() },
    post: { access: "viewer", summary: "What each rule (saved, or a draft given in the body) matches on a container: count and bytes", body: previewBody, responses: { "200": "preview" } },
  },
};

function schemaOf(type: z.ZodType): unknown {
  return z.toJSONSchema(type, { io: "input", unrepresentable: "any" });
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(apiPaths)) {
    const parameters = Object.entries(item.params ?? {}).map(([name, schema]) => ({ name, in: "path", required: true, schema: schemaOf(schema) }));
    const operations: Record<string, unknown> = {};
    for (const method of ["get", "post", "put", "delete"] as const) {
      const operation = item[method];
      if (!operation) continue;
      const queryParameters = operation.query
        ? Object.entries(operation.query.shape).map(([name, schema]) => ({ name, in: "query", required: false, schema: schemaOf(schema as z.ZodType) }))
        : [];
      operations[method] = {
        summary: operation.summary,
        "x-kura-access": accessFor(method.toUpperCase(), { access: operation.access }),
        ...(accessFor(method.toUpperCase(), { access: operation.access }) === "public" ? { security: [] } : {}),
        parameters: [...parameters, ...queryParameters],
        ...(operation.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(operation.body) } } } } : {}),
        responses: Object.fromEntries(
          Object.entries(operation.responses).map(([status, description]) => [
            status,
            { description, content: { "application/json": { schema: Number(status) >= 400 ? errorSchema : {} } } },
          ]),
        ),
      };
    }
    paths[path] = operations;
  }
  return {
    openapi: "3.1.0",
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "kura_session" },
        token: { type: "http", scheme: "bearer", description: "An API token (kura_…) from the Account page or POST /api/tokens" },
      },
    },
    security: [{ session: [] }, { token: [] }],
    info: { title: "Kura API", version: "1", description: "Preserve retired services as their mutable data; restore them on a newer OS. Errors: {error: {code, message}}." },
    paths,
  };
}
