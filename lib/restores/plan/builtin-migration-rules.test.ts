import { describe, expect, it } from "vitest";
import { BUILTIN_MIGRATION_RULES } from "@/lib/restores/plan/builtin-migration-rules";
import { migrationRuleSchema } from "@/lib/restores/plan/migration-rule-schema";

describe("BUILTIN_MIGRATION_RULES", () => {
  it("are valid, built in, enabled, with stable unique ids and a note saying why", () => {
    const ids = BUILTIN_MIGRATION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of BUILTIN_MIGRATION_RULES) {
      expect(migrationRuleSchema.parse(rule)).toEqual(rule);
      expect(rule.id).toMatch(/^builtin-/);
      expect(rule.builtIn).toBe(true);
      expect(rule.enabled).toBe(true);
      expect(rule.note.length).toBeGreaterThan(80);
    }
  });
  it("cover at least three packages", () => {
    expect(new Set(BUILTIN_MIGRATION_RULES.map((rule) => rule.package)).size).toBeGreaterThanOrEqual(3);
  });
});
