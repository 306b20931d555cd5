import { archiveParams, bundleQuery } from "@/lib/api/schemas";
import { archiveSummarySchema } from "./archives";
import { defineEntry } from "./entry";

// A bundle holds everything the archive holds (account files with password hashes, keys, Samba's
// secrets): exporting one is an operator's job, not a viewer's.

export const exportBundle = defineEntry({
  method: "GET",
  path: "/api/archives/{id}/bundle",
  access: "operator",
  summary:
    "The archive as one .tar.gz (manifest, payload, Dockerfile, restore script, README) that `docker build - < bundle.tar.gz` rebuilds; " +
    "?base= targets another base image",
  params: archiveParams,
  query: bundleQuery,
  status: 200,
  response: { contentType: "application/gzip", description: "the bundle" },
  errors: { 404: "unknown archive or base image", 409: "not complete" },
});

export const importBundle = defineEntry({
  method: "POST",
  path: "/api/archives/import",
  access: "operator",
  summary:
    "Import an exported bundle, sent as the raw request body (application/gzip); " +
    "checked for unsafe names, links, devices, size limits and hashes before anything is stored",
  rawBody: { contentType: "application/gzip", description: "an exported bundle (.tar.gz)" },
  status: 201,
  response: archiveSummarySchema,
  errors: { 400: "no body", 409: "already imported", 413: "over a size limit", 422: "unsafe or damaged bundle" },
});
