import { z } from "zod";
import { migrationRuleBody, migrationRuleParams } from "@/lib/api/schemas";
import { migrationRuleSchema } from "@/lib/restores/plan/migration-rule-schema";
import { defineEntry } from "./entry";

export const listMigrationRules = defineEntry({
  method: "GET",
  path: "/api/migration-rules",
  access: "viewer",
  summary: "Migration rules: the built-in ones (read-only, can be switched off) and people's own",
  status: 200,
  response: z.array(migrationRuleSchema),
  errors: {},
});

export const createMigrationRule = defineEntry({
  method: "POST",
  path: "/api/migration-rules",
  access: "admin",
  summary:
    "Add a migration rule (package, version ranges, action: move | rename-key | delete | rewrite | set | upgrade: " +
    "{data, when: build | first-start, run: shell lines run inside the restored image, never on the host})",
  body: migrationRuleBody,
  status: 201,
  response: migrationRuleSchema,
  errors: {},
});

export const updateMigrationRule = defineEntry({
  method: "PUT",
  path: "/api/migration-rules/{id}",
  access: "admin",
  summary: "Edit a rule of your own, or switch a built-in one off or on",
  params: migrationRuleParams,
  body: migrationRuleBody,
  status: 200,
  response: migrationRuleSchema,
  errors: { 404: "unknown rule", 409: "built-in rules can only be switched" },
});

export const deleteMigrationRule = defineEntry({
  method: "DELETE",
  path: "/api/migration-rules/{id}",
  access: "admin",
  summary: "Delete a rule of your own",
  params: migrationRuleParams,
  status: 204,
  response: null,
  errors: { 404: "unknown rule", 409: "built-in" },
});
