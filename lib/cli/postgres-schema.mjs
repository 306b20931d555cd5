#!/usr/bin/env node
// prisma/postgresql/schema.prisma is written from prisma/schema.prisma (the SQLite one, the source of truth) so the
// two cannot drift: the same models and fields, only the datasource's provider and the client's folder differ
// (issue 16). Run after changing prisma/schema.prisma: `node lib/cli/postgres-schema.mjs`; then add a migration to
// both prisma/migrations and prisma/postgresql/migrations. postgres-schema.test.ts fails when the file is stale.
// Plain Node with no dependencies.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgresql", "schema.prisma");

const HEADER = [
  "// Written by lib/cli/postgres-schema.mjs from prisma/schema.prisma: do not edit, change that file and rerun it.",
  "// The same models for PostgreSQL (DATABASE_URL=postgresql://...), with their own client and migrations.",
  "",
].join("\n");

function replaceOnce(text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + from.length) >= 0)
    throw new Error(`prisma/schema.prisma: expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The PostgreSQL schema for the SQLite schema's text. */
export function postgresSchemaFrom(sqliteSchema) {
  let text = replaceOnce(sqliteSchema, 'provider = "sqlite"', 'provider = "postgresql"');
  // The schema sits one folder deeper; its client gets a folder of its own.
  text = replaceOnce(text, 'output     = "../lib/generated/prisma"', 'output     = "../../lib/generated/prisma-postgresql"');
  return HEADER + text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(POSTGRES_SCHEMA, postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8")));
  process.stdout.write(`wrote ${path.relative(root, POSTGRES_SCHEMA)}\n`);
}
