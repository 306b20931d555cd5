// GET /api/rule-sets: every rule set; POST: create one (empty, from rules, or a copy)
import { createRuleSet as createEntry, listRuleSets as listEntry } from "@/lib/api/contract/rules";
import { route } from "@/lib/api/route";
import { createRuleSet, listRuleSets } from "@/lib/rules/rule-set-store";

export const dynamic = "force-dynamic";

export const GET = route(listEntry, async () => listRuleSets());

export const POST = route(createEntry, async ({ body, actor }) => createRuleSet(body, actor));
