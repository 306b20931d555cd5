import { RuleSetsList } from "@/components/rules/rule-sets-list";
import { PageHeader } from "@/components/ui/page-header";
import { listRuleSets } from "@/lib/rules/rule-set-store";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function RuleSetsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Rule sets"
        description="Ordered exclusion rules that decide which changed files are left out of an archive. Patterns work like .gitignore; '!' (include) re-includes; the last matching rule wins. Copy the built-in set to make your own."
      />
      <RuleSetsList initial={await listRuleSets()} />
    </>
  );
}
