// GET|PUT|DELETE /api/rule-sets/{id}: one rule set (the built-in default is read-only)
import { deleteRuleSet as deleteEntry, getRuleSet as getEntry, updateRuleSet as updateEntry } from "@/lib/api/contract/rules";
import { route } from "@/lib/api/route";
import { deleteRuleSet, getRuleSet, updateRuleSet } from "@/lib/rules/rule-set-store";

export const dynamic = "force-dynamic";

export const GET = route(getEntry, async ({ params }) => getRuleSet(params.id));

export const PUT = route(updateEntry, async ({ params, body, actor }) => updateRuleSet(params.id, body, actor));

export const DELETE = route(deleteEntry, async ({ params, actor }) => {
  await deleteRuleSet(params.id, actor);
  return null;
});
