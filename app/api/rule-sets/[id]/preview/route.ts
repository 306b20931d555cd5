// POST /api/rule-sets/{id}/preview: what each rule (saved, or the unsaved draft in the body) matches on a container
import { previewRuleSet as previewEntry } from "@/lib/api/contract/rules";
import { route } from "@/lib/api/route";
import { previewRuleSet } from "@/lib/rules/preview-rule-set";

export const dynamic = "force-dynamic";

export const POST = route(previewEntry, async ({ params, body, caller }) => previewRuleSet(params.id, body, caller.user.name));
